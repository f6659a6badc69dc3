"""The sweep keeps the servers' owners and tags between sweeps (with Redis) and reads them again
when a tag, a server or an owner changes: every path that writes tags moves the version, so a
server tagged during a window is covered by the next sweep (each test fails when its path does
not move the version)."""

import pytest
from sqlalchemy import select

from pulseguard.commands.config import apply as apply_command
from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.monitoring.maintenance import apply_windows
from tests.config.test_apply import apply as apply_config
from tests.maintenance.test_effects import URL, manual_window, status_of

DOC = """\
version: 1
servers:
  - key: db-1
    name: db-1
    protocol: http
    host: 127.0.0.1
    port: 9
    tags: [{tags}]
"""


@pytest.fixture
def versioned(app, redis_url, monkeypatch):
    """The app with Redis, where the servers' version lives (without it nothing is kept)."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    return app


@pytest.fixture
def db_window(versioned, as_alice, make_server):
    """A window on tag `db` in force, and a warm sweep that saw a server without that tag."""
    make_server(name="web", tags=["web"])
    window = manual_window(as_alice, all_servers=False, tags=["db"])
    assert as_alice.post(f"{URL}{window}/start/").status_code == 200
    with versioned.app_context():
        apply_windows()  # the servers and their tags are kept from here
    return window


def maintained(app):
    with app.app_context():
        return dict(db.session.execute(select(Server.name, Server.maintenance)).all())


def test_a_tag_written_outside_the_api_is_covered_at_the_next_sweep(
    versioned, db_window, as_alice, make_server
):
    sid = make_server(name="db-1", tags=[])["id"]
    with versioned.app_context():
        apply_windows()
        assert maintained(versioned)["db-1"] == ""
        server = db.session.get(Server, sid)
        server.tags = ["db"]  # any ORM write: a script, a future path
        db.session.commit()
        apply_windows()
    assert maintained(versioned)["db-1"] == "run/exclude"
    assert status_of(as_alice, sid)["status"] == "maintenance"
    with versioned.app_context():
        db.session.get(Server, sid).tags = []
        db.session.commit()
        assert apply_windows().left == [sid]


def test_a_patch_adding_a_tag_puts_the_server_in_the_window(versioned, db_window, as_alice):
    sid = as_alice.post("/api/servers/", json={"name": "db-1", "host": "127.0.0.1", "port": 9})
    sid = sid.json["id"]
    assert maintained(versioned)["db-1"] == ""
    assert as_alice.patch(f"/api/servers/{sid}/", json={"tags": ["db"]}).status_code == 200
    assert status_of(as_alice, sid)["status"] == "maintenance"


def test_a_server_created_with_the_tag_enters_the_window(versioned, db_window, make_server):
    make_server(name="db-1", tags=["db"])
    assert maintained(versioned)["db-1"] == "run/exclude"


def test_a_new_server_enters_an_all_servers_window(versioned, as_alice, make_server):
    window = manual_window(as_alice)  # all_servers
    assert as_alice.post(f"{URL}{window}/start/").status_code == 200
    make_server(name="later", tags=[])
    assert maintained(versioned)["later"] == "run/exclude"


def test_config_apply_adding_a_tag_puts_the_server_in_the_window(versioned, db_window, as_alice):
    assert apply_config(as_alice, DOC.format(tags="")).status_code == 200
    assert maintained(versioned)["db-1"] == ""
    response = apply_config(as_alice, DOC.format(tags="db"))
    assert response.status_code == 200, response.json
    assert maintained(versioned)["db-1"] == "run/exclude"


def test_the_cli_config_apply_adding_a_tag_puts_the_server_in_the_window(
    versioned, db_window, alice, tmp_path
):
    path = tmp_path / "pg.yaml"
    runner = versioned.test_cli_runner()
    path.write_text(DOC.format(tags=""))
    assert runner.invoke(apply_command, [str(path), "--user", "alice"]).exit_code == 0
    assert maintained(versioned)["db-1"] == ""
    path.write_text(DOC.format(tags="db"))
    done = runner.invoke(apply_command, [str(path), "--user", "alice"])
    assert done.exit_code == 0, done.output
    assert maintained(versioned)["db-1"] == "run/exclude"
