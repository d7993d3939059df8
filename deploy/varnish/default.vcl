vcl 4.1;
# Varnish 7 in front of the press site, purged by tag (varnish-modules' xkey).
#
# The app marks each cacheable page with its tags (`Surrogate-Key`) and how long a proxy
# may keep it (`Surrogate-Control: max-age`); after every edit it sends
# `PURGE /` with `xkey-purge: <tags>` (FCS_CACHE_PURGE_BACKEND=varnish).
# Set the backend to the app (gunicorn, or the load balancer in front of the app machines).

import std;
import xkey;
import cookie;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the app machines.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in staff and anyone holding a form's CSRF cookie or a message: always the app.
    cookie.parse(req.http.Cookie);
    if (cookie.isset("sessionid") || cookie.isset("csrftoken") || cookie.isset("messages")) {
        return (pass);
    }
    # The accessibility profile is the only cookie that changes a public page: keep it
    # alone, so that analytics cookies do not split the cache (the app sends Vary: Cookie).
    cookie.keep("a11y");
    set req.http.Cookie = cookie.get_string();
    if (req.http.Cookie == "") {
        unset req.http.Cookie;
    }
    return (hash);
}

sub vcl_hash {
    # The URL carries the language prefix (/ru/, /en/); the profile is part of the key.
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    }
    cookie.parse(req.http.Cookie);
    hash_data("a11y=" + cookie.get("a11y"));
    return (lookup);
}

sub vcl_backend_response {
    # Stored only when the app says the page is for everyone and names its tags.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || !beresp.http.Surrogate-Key
        || beresp.status != 200) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # xkey reads the tags from this header.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, ".*max-age=([0-9]+).*", "\1s"), 0s);
    } else {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
    }
    # Vary: Cookie is handled in vcl_hash (only the a11y cookie reaches the lookup).
    unset beresp.http.Vary;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.Vary = "Cookie";
    if (!req.http.X-Debug-Tags) {
        unset resp.http.xkey;
        unset resp.http.Surrogate-Key;
        unset resp.http.Surrogate-Control;
    }
}
