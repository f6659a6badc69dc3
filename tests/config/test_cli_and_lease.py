"""`flask config apply`, and one apply at a time per user (a concurrent one gets 409)."""

from datetime import timedelta

from pulseguard.api.config import lease
from pulseguard.commands.config import apply as apply_command
from pulseguard.extensions import db
from pulseguard.models import ConfigLease
from pulseguard.models.types import utcnow
from tests.config.test_apply import DOC, apply


def test_the_cli_prints_the_plan_and_applies(app, alice, as_alice, tmp_path):
    path = tmp_path / "pg.yaml"
    path.write_text(DOC)
    runner = app.test_cli_runner()
    planned = runner.invoke(apply_command, [str(path), "--user", "alice", "--dry-run"])
    assert planned.exit_code == 0, planned.output
    assert "create" in planned.output and "api-prod" in planned.output
    assert "dry run: nothing written" in planned.output
    assert as_alice.get("/api/servers/").json == []
    done = runner.invoke(apply_command, [str(path), "--user", "alice"])
    assert done.exit_code == 0 and "servers: 2 create" in done.output
    path.write_text(DOC.replace("check_interval: 30", "check_interval: 45"))
    update = runner.invoke(apply_command, [str(path), "--user", "alice"])
    assert "check_interval: 30 -> 45" in update.output
    path.write_text("version: 1\nservers:\n  - {name: x}\n")
    bad = runner.invoke(apply_command, [str(path), "--user", "alice"])
    assert bad.exit_code != 0 and "servers[0].key" in bad.output
    assert runner.invoke(apply_command, [str(path), "--user", "nobody"]).exit_code != 0


def test_a_second_apply_while_one_runs_gets_409(app, alice, as_alice):
    with app.app_context(), lease.held(alice.id):  # what a running apply holds
        response = apply(as_alice, DOC)
        assert response.status_code == 409 and "running" in response.json["message"]
    assert as_alice.get("/api/servers/").json == []
    assert apply(as_alice, DOC).status_code == 200  # the lease is released after each apply
    with app.app_context():
        assert db.session.query(ConfigLease).count() == 0


def test_a_lease_left_by_a_dead_process_is_taken_over(app, alice, as_alice, bob, as_bob):
    with app.app_context():
        old = utcnow() - timedelta(seconds=lease.STALE_S + 1)
        db.session.add(ConfigLease(owner_id=alice.id, taken_at=old))
        db.session.commit()
    with app.app_context(), lease.held(bob.id):  # bob's apply does not hold alice back
        assert apply(as_alice, DOC).status_code == 200
