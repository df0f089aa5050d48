# Varnish 7.1 in front of ThreatPress (docs/deployment.md, "Scaling out"; docs/caching.md).
#
# The application decides what may be cached and for how long (its Cache-Control); this file
# decides only what the application cannot: which requests to look up at all, how to key a page
# (path, host and the consent answer's policy version, never the whole Cookie header), which app
# server to ask, who may purge, and what to serve while the app is down.
#
# The app servers are declared in backends.vcl beside this file (one `backend` each, added to the
# director in its own vcl_init): an operator edits that file, never this one.
vcl 4.1;

import directors;
import std;

# Every app server is asked for /healthz (a database query) each 2 s; fewer than three successes
# among the last five mark it sick. The probe's Host is 127.0.0.1: keep it in DJANGO_ALLOWED_HOSTS. A sick server gets no readers, and while every server is sick the
# cache serves what it has (grace below).
probe healthz {
    .request = "GET /healthz HTTP/1.1"
        "Host: 127.0.0.1"
        "Connection: close";
    .expected_response = 200;
    .interval = 2s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

# Who may PURGE: the app servers (Wagtail's HTTP backend in the app and the scheduler). Add each
# app server's address here when they run on other machines.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    # Round robin: the app servers are alike and stateless (sessions are in the database).
    new app = directors.round_robin();
}

include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = app.backend();
    unset req.http.X-Consent-Version;

    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(405, "PURGE not allowed from this address"));
        }
        # The app sends one PURGE per address (Wagtail's HTTP backend, with the site's Host).
        # Every consent variant of one form (gzip or plain) lives under one hash (vcl_hash), so
        # purging the two hashes removes them all. An API listing is also kept with any query
        # string (`?type=…`, `?offset=20`), each its own object: those go with a ban on the
        # listing's path.
        if (req.url ~ "^/api/v2/[a-z]+/$" && req.restarts == 0) {
            std.ban("obj.http.X-Url ~ ^" + req.url + "\? && obj.http.X-Host == " + req.http.host);
        }
        # Two passes (vcl_purge restarts): the gzip form's hash, then the plain form's.
        if (req.restarts == 0) {
            set req.http.Accept-Encoding = "gzip";
        } else {
            unset req.http.Accept-Encoding;
        }
        return (purge);
    }

    # X-Forwarded-Proto is set by the TLS proxy in front (the app builds its links from it);
    # a value it cannot have is dropped. X-Forwarded-For is Varnish's own.
    if (req.http.X-Forwarded-Proto !~ "^https?$") {
        unset req.http.X-Forwarded-Proto;
    }

    # Only reads can be cached. Anything else (a form, the admin's POSTs) goes to the app as is.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # An editor (a session), credentials, the admin, previews and per-reader pages: the app marks
    # them private anyway; passing them here keeps their cookies intact and the cache clean. A
    # query string makes a page per reader too, except on the API's listings (its own filters).
    # The search and consent have their language's words (paieska, slapukai: the "URL path"
    # translations in the app).
    if (req.http.Authorization
        || req.http.Cookie ~ "(^|;\s*)sessionid="
        || req.url ~ "^/(admin|django-admin|preview)(/|$)"
        || req.url ~ "^/[a-z]{2}/(search|paieska|consent|slapukai)/"
        || (req.url ~ "\?" && req.url !~ "^/api/v2/[a-z]+/\?")) {
        return (pass);
    }

    # The consent answer (docs/consent.md, "Caching"): a page exists with the dialog open and
    # with it closed, decided by a well-formed `tp_consent` answer *to the current policy
    # version*, which only the app knows. So the copies are told apart by the version the answer
    # names ("none" without one): readers who answered the current version share one copy (the
    # dialog closed), readers of an older version another (the app renders it open for them).
    # Only that cookie reaches the app; every other cookie (analytics, csrftoken...) is dropped,
    # as a cacheable page never depends on it.
    if (req.http.Cookie ~ "(^|;\s*)tp_consent=[0-9a-f]{10}\.[0-9a-f]{32}\.(-|[a-z+]+)(;|$)") {
        set req.http.Cookie = regsub(req.http.Cookie,
            "^(?:.*;\s*)?(tp_consent=[0-9a-f]{10}\.[0-9a-f]{32}\.(?:-|[a-z+]+))(?:;.*)?$", "\1");
        set req.http.X-Consent-Version = regsub(req.http.Cookie, "^tp_consent=([0-9a-f]{10}).*$",
            "\1");
    } else {
        set req.http.X-Consent-Version = "none";
        unset req.http.Cookie;
    }

    # Grace: a healthy app is asked again once a page is older than its s-maxage plus
    # stale-while-revalidate (30 s); with every app server sick, the last good page is served for
    # as long as stale-if-error allows (a day). A restart after an error widens it too.
    if (std.healthy(req.backend_hint) && !req.http.X-Stale-If-Error) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    # Not the consent version: every variant shares one hash, so one PURGE removes them all
    # (they are told apart by the Vary on X-Consent-Version set in vcl_backend_response).

    # Compression: by now Varnish has reduced Accept-Encoding to "gzip" or nothing. Left alone,
    # it would ask the app for gzip on every miss and unzip that copy again for each client
    # without gzip (it ignores `Vary: Accept-Encoding`). The app makes both forms, so each is
    # kept under a hash of its own and fetched in the form its client takes (vcl_backend_fetch),
    # and delivered as stored. A PURGE removes both (vcl_recv, vcl_purge).
    if (req.http.Accept-Encoding == "gzip") {
        set req.http.X-Gzip = "1";
        hash_data("gzip");
    } else {
        unset req.http.X-Gzip;
    }
    return (lookup);
}

sub vcl_backend_fetch {
    if (!bereq.uncacheable) {
        if (bereq.http.X-Gzip) {
            set bereq.http.Accept-Encoding = "gzip";
        } else {
            unset bereq.http.Accept-Encoding;
        }
    }
    unset bereq.http.X-Gzip;
}

sub vcl_purge {
    # The gzip form first (vcl_recv), then once more for the plain one.
    if (req.restarts == 0) {
        return (restart);
    }
    return (synth(200, "Purged"));
}

sub vcl_backend_response {
    # For bans (vcl_recv, PURGE): tested against stored objects by the ban lurker, which knows
    # no request, so the address is kept on the object (and removed before delivery).
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Host = bereq.http.host;

    # The app's Vary: Cookie would split every page by reader (the consent id differs per reader);
    # the request was reduced to the consent answer's policy version, so vary on that instead.
    if (beresp.http.Vary ~ "(?i)\bcookie\b") {
        set beresp.http.Vary = regsuball(beresp.http.Vary, "(?i)(^|,)\s*cookie\s*(,|$)", "\1");
        set beresp.http.Vary = regsub(beresp.http.Vary, "^\s*,|,\s*$", "");
        if (beresp.http.Vary == "") {
            set beresp.http.Vary = "X-Consent-Version";
        } else {
            set beresp.http.Vary = beresp.http.Vary + ", X-Consent-Version";
        }
        set beresp.http.X-Vary-Cookie = "1";
    }

    # Errors are never kept: a background refresh that fails keeps the last good page
    # (abandon), any other 5xx is delivered once and not stored.
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        set beresp.ttl = 1s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # stale-if-error is what the app allows to serve while it is down: Varnish 7.1 reads
    # s-maxage and stale-while-revalidate itself, not this, so it becomes the object's grace
    # (vcl_recv narrows grace to 30 s while the app is healthy).
    if (beresp.http.Cache-Control ~ "stale-if-error=\d+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, ".*stale-if-error=(\d+).*", "\1") + "s", 0s);
        # Keep for revalidation: an expired page is refetched with If-None-Match (the ETag).
        set beresp.keep = 1h;
    }
    # Everything else (private, no-store, a Set-Cookie) follows the built-in rules: not cached.
}

sub vcl_backend_error {
    # The app server cannot be reached. A background refresh keeps the stale page it was
    # refreshing; a reader without one gets a short plain page, never stored.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "30";
    synthetic("The site is temporarily unavailable. Please try again in a minute." + {"
"});
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Url;
    unset resp.http.X-Host;
    # A 5xx for a page we may hold an older copy of: look again, this time allowing the whole
    # stale-if-error grace (vcl_recv), before showing the reader an error.
    if (resp.status >= 500 && req.restarts == 0 && req.http.X-Consent-Version
        && req.method == "GET") {
        set req.http.X-Stale-If-Error = "1";
        return (restart);
    }
    if (resp.http.X-Vary-Cookie) {
        # Browsers and caches further out still see the app's Vary.
        set resp.http.Vary = regsub(resp.http.Vary, "X-Consent-Version", "Cookie");
        unset resp.http.X-Vary-Cookie;
    }
    # For operators and the tests: was this a hit? (obj.hits counts hits of this object.)
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    set resp.http.Cache-Control = "no-store";
}
