"""The hash chain on its own: what a stored ledger looks like, and each way of breaking it."""

from __future__ import annotations

import dataclasses
import json

from app.ledger import chain


def _links(count: int) -> list[chain.Link]:
    links, previous = [], chain.GENESIS
    for sequence in range(1, count + 1):
        columns = {"sequence": sequence, "recorded_at": "2030-01-01T00:00:00.000000Z",
                   "kind": "payment_recorded", "challenge": 7, "entry": 100 + sequence,
                   "amount_minor": 1000 * sequence, "currency": "USD", "reason": "paid",
                   "actor": 3}
        payload = chain.canonical({**columns, "details": {}})
        digest = chain.entry_hash(previous, payload)
        links.append(chain.Link(sequence, columns, payload, previous, digest))
        previous = digest
    return links


def test_an_intact_chain_holds_and_names_its_head() -> None:
    links = _links(5)
    check = chain.verify(links)
    assert check.ok and check.entries == 5 and check.head == links[-1].hash
    assert check.head_found is None


def test_an_empty_chain_holds_with_the_genesis_head() -> None:
    check = chain.verify([])
    assert check.ok and check.entries == 0 and check.head == chain.GENESIS


def test_the_hash_is_sha256_of_the_previous_hash_then_the_payload() -> None:
    import hashlib

    link = _links(1)[0]
    assert link.hash == hashlib.sha256((chain.GENESIS + link.payload).encode()).hexdigest()


def test_one_changed_byte_in_a_payload_is_a_hash_mismatch_at_that_entry() -> None:
    links = _links(5)
    tampered = links[2].payload.replace('"amount_minor":3000', '"amount_minor":3001')
    assert tampered != links[2].payload
    links[2] = dataclasses.replace(links[2], payload=tampered)
    check = chain.verify(links)
    assert not check.ok
    assert check.broken == chain.Break(3, "hash_mismatch")
    assert check.entries == 2 and check.head == links[1].hash


def test_a_column_that_disagrees_with_its_payload_is_reported() -> None:
    links = _links(3)
    links[1] = dataclasses.replace(links[1], columns={**links[1].columns, "amount_minor": 1})
    assert chain.verify(links).broken == chain.Break(2, "payload_mismatch")


def test_a_deleted_entry_is_a_gap_at_the_missing_number() -> None:
    links = _links(5)
    del links[1]
    assert chain.verify(links).broken == chain.Break(2, "sequence_gap")


def test_two_swapped_entries_break_the_previous_hash_link() -> None:
    links = _links(5)
    third, fourth = links[2], links[3]
    # The rows keep their places (sequence numbers) and exchange everything else.
    links[2] = dataclasses.replace(fourth, sequence=3)
    links[3] = dataclasses.replace(third, sequence=4)
    assert chain.verify(links).broken == chain.Break(3, "wrong_prev_hash")


def test_a_rewritten_chain_holds_but_loses_an_earlier_head() -> None:
    links = _links(4)
    earlier_head = links[2].hash
    assert chain.verify(links, head=earlier_head).head_found is True
    rewritten, previous = [], chain.GENESIS
    for link in links:
        payload = json.loads(link.payload)
        payload["amount_minor"] = 1
        text = chain.canonical(payload)
        digest = chain.entry_hash(previous, text)
        rewritten.append(dataclasses.replace(link, columns={**link.columns, "amount_minor": 1},
                                             payload=text, prev_hash=previous, hash=digest))
        previous = digest
    check = chain.verify(rewritten, head=earlier_head)
    assert check.broken is None and check.head_found is False and not check.ok
    assert chain.verify(rewritten).ok


def test_the_canonical_form_is_sorted_compact_utf8() -> None:
    assert chain.canonical({"b": 1, "a": "CO₂"}) == '{"a":"CO₂","b":1}'
