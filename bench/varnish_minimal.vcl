# bench/varnish_ceiling.py only: the least a VCL can do in front of ThreatPress, to measure what
# the shipped VCL (deploy/varnish/threatpress.vcl) costs per hit. Every request is looked up by
# address alone: no consent variants, no Vary, no pass rules, no purge. Never deploy it: it
# would serve one reader's page to every other.
vcl 4.1;

import directors;

probe healthz {
    .request = "GET /healthz HTTP/1.1"
        "Host: 127.0.0.1"
        "Connection: close";
    .expected_response = 200;
    .interval = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

sub vcl_init {
    new app = directors.round_robin();
}

include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = app.backend();
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    unset beresp.http.Vary;
}
