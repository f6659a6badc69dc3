"""The /api/ index lists every resource of the OpenAPI document (issue 18)."""


def test_the_index_lists_every_top_level_resource(client):
    paths = client.get("/api/openapi.json").json["paths"]
    listed = [url.replace("http://localhost", "") for url in client.get("/api/").json.values()]
    tops = {"/".join(path.split("/")[:3]) + "/" for path in paths}
    tops |= (
        {"/api/public/status-pages/"} if any("/status-pages/{slug}" in p for p in paths) else set()
    )
    missing = [
        top
        for top in sorted(tops)
        if top != "/api/public/" and not any(url.startswith(top) for url in listed)
    ]
    assert not missing


def test_the_index_links_work(client, as_admin):
    for name, url in client.get("/api/").json.items():
        if name in (
            "websocket",
            "push",
            "public-status-pages",
            "config-apply",
            "checks",
            "auth-token",
        ):
            continue
        path = url.replace("http://localhost", "")
        assert as_admin.get(path).status_code in (200, 302, 308), (name, path)
