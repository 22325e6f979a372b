"""The simulated clock and the faults that change with time on it (flaps, degrading optics)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netlab.evidence.clock import (
    DEFAULT_PAGE_MINUTE,
    EPOCH,
    RX_HEALTHY_DBM,
    RX_LOW_WARNING_DBM,
    RX_THRESHOLD_DBM,
    FlapCycle,
    OpticDecay,
    SimClock,
    Transition,
    healthy_rx_dbm,
)


def test_clock_is_reproducible_and_moves_only_when_asked() -> None:
    clock = SimClock()
    assert clock.epoch == EPOCH == datetime(2026, 3, 14, 2, 13, tzinfo=UTC)
    assert clock.now_minute == clock.page_minute == DEFAULT_PAGE_MINUTE
    assert clock.time(0) == EPOCH
    assert clock.time(90.5).isoformat() == "2026-03-14T03:43:30+00:00"
    later = clock.at(12)
    assert later.now_minute == 12.0 and clock.now_minute == DEFAULT_PAGE_MINUTE
    assert later.minute_of(later.now) == pytest.approx(12.0)
    assert later.paged_at == clock.paged_at


def test_fault_start_minutes_default_to_zero() -> None:
    clock = SimClock(fault_starts=(0.0, 2.5))
    assert clock.start_of(1) == 2.5
    assert clock.start_of(5) == 0.0
    assert clock.start_of(-1) == 0.0


def test_flap_cycle_transitions_at_exact_times() -> None:
    flap = FlapCycle("l", start_minute=1.0, period_s=60.0, down_s=15.0)
    assert flap.transitions(0.5) == ()
    assert flap.transitions(3.0) == (
        Transition(1.0, False), Transition(1.25, True), Transition(2.0, False),
        Transition(2.25, True), Transition(3.0, False))
    assert flap.flaps(3.0) == 3
    assert flap.is_down(1.1) and not flap.is_down(1.5) and not flap.is_down(0.9)
    assert flap.last_change(2.5) == Transition(2.25, True)
    assert flap.last_change(0.0) is None


@pytest.mark.parametrize(("period", "down"), [(60.0, 60.0), (60.0, 0.0), (0.0, 0.0)])
def test_flap_cycle_needs_a_down_time_shorter_than_its_period(period: float,
                                                              down: float) -> None:
    with pytest.raises(ValueError, match="link-flap"):
        FlapCycle("l", 0.0, period, down)


def test_optic_loss_ramps_to_the_paged_value_then_grows() -> None:
    optic = OpticDecay("l", "r", start_minute=0.0, page_minute=5.0, loss_at_page=2.0,
                       growth_per_10min=1.0)
    assert optic.loss_pct(-1) == 0.0
    assert optic.loss_pct(2.5) == pytest.approx(1.0)
    assert optic.loss_pct(5.0) == pytest.approx(2.0)
    assert optic.loss_pct(25.0) == pytest.approx(4.0)
    assert optic.loss_pct(10_000) == 100.0


def test_optic_rx_power_falls_from_healthy_toward_the_threshold() -> None:
    optic = OpticDecay("l", "r", 0.0, 5.0, 2.0, 1.0)
    healthy = healthy_rx_dbm("l", "r")
    assert abs(healthy - RX_HEALTHY_DBM) <= 0.6
    readings = [optic.rx_dbm(m) for m in (0, 1, 5, 20, 200)]
    assert readings[0] == healthy
    assert readings == sorted(readings, reverse=True)
    assert RX_THRESHOLD_DBM < readings[-1] < RX_LOW_WARNING_DBM
    assert optic.pre_fec_ber(0) == pytest.approx(1e-12)
    assert optic.pre_fec_ber(200) > 1e-4


def test_optic_counters_grow_with_time_and_traffic() -> None:
    optic = OpticDecay("l", "r", 0.0, 5.0, 2.0, 1.0)
    idle = optic.reading(5.0, load_gbps=0.0, capacity_gbps=100.0)
    assert idle.crc_errors == 0 and idle.input_packets == 0 and idle.fec_corrected > 0
    early = optic.reading(2.0, load_gbps=50.0, capacity_gbps=100.0)
    late = optic.reading(10.0, load_gbps=50.0, capacity_gbps=100.0)
    busy = optic.reading(10.0, load_gbps=100.0, capacity_gbps=100.0)
    assert 0 < early.crc_errors < late.crc_errors < busy.crc_errors
    assert early.fec_corrected < late.fec_corrected
    assert late.crc_errors / late.input_packets < late.loss_pct / 100
    assert late.rx_low_warning and not early.rx_low_warning
    assert late.fec_uncorrected == late.crc_errors


def test_optic_threshold_crossing_is_found_to_the_second() -> None:
    optic = OpticDecay("l", "r", 1.0, 5.0, 2.0, 1.0)
    minute = optic.first_minute(RX_LOW_WARNING_DBM, 30.0)
    assert minute is not None
    assert optic.rx_dbm(minute) <= RX_LOW_WARNING_DBM < optic.rx_dbm(minute - 1 / 60)
    assert optic.first_minute(RX_THRESHOLD_DBM, 30.0) is None
