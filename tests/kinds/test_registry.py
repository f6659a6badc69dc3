"""The registry of kinds: each is complete and names its target; passive ones are not probed."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from pulseguard import kinds
from pulseguard.extensions import db
from pulseguard.jobs.dispatch import claim_due
from pulseguard.kinds.kind import Kind
from pulseguard.models import Server
from pulseguard.models.types import utcnow


@pytest.mark.parametrize("name", kinds.names())
def test_every_kind_is_registered_under_its_name_and_names_its_target(name):
    kind = kinds.get(name)
    assert kind.name == name and kind.label
    assert kind.describe(kinds.draft_target(name, host="db.example", port=5432))


def test_messages_name_targets_as_people_write_them():
    assert kinds.get("https").describe(kinds.draft_target("https", host="a.example")) == (
        "https://a.example/"
    )
    web = kinds.draft_target("http", host="a.example", port=8080, path="/health")
    assert kinds.get("http").describe(web) == "http://a.example:8080/health"
    db_target = kinds.draft_target("tcp", host="::1", port=5432)
    assert kinds.get("tcp").describe(db_target) == "tcp://[::1]:5432"


def test_targets_are_built_from_the_columns_each_kind_declares():
    columns = kinds.probe_columns()
    assert {"id", "protocol", "host", "port", "timeout_s", "settings"} <= set(columns)
    assert set(kinds.get("http").columns) <= set(columns)
    assert len(columns) == len(set(columns))


def test_a_passive_kind_is_never_claimed_by_the_dispatcher(ctx, make_server, monkeypatch):
    passive = Kind(name="heartbeat", label="Heartbeat", options=lambda row: None, describe=str)
    monkeypatch.setitem(kinds.KINDS, "heartbeat", passive)
    probed = make_server(name="probed")["id"]
    quiet = make_server(name="quiet")["id"]
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(Server).where(Server.id == quiet).values(protocol="heartbeat"))
    db.session.execute(update(Server).values(next_check_at=past))
    db.session.commit()
    assert [sid for sid, _ in claim_due()] == [probed]
    assert not passive.active and kinds.get("http").active
