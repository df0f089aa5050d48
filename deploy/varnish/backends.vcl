# The app servers behind Varnish: one backend each, with the health probe, added to the round-robin
# director. `make cluster` writes its own copy of this file; edit this one for your servers.
backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = healthz;
}

sub vcl_init {
    app.add_backend(app1);
}
