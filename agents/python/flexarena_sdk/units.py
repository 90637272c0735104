"""Exact conversion between euros/megawatts and the wire's integer units.

The wire carries prices in ticks of 0.01 EUR/MWh and quantities in lots of 0.1 MW (see
proto/flexarena/v1/market.proto). A value that is not on that grid is refused with an
ActionBuildError naming the proto field; it is never rounded. Floats are read by their shortest
decimal form (`repr`), so 45.1 is 4510 ticks while 0.1 + 0.2 (0.30000000000000004) is refused.
"""
from decimal import Decimal, InvalidOperation

from .errors import ActionBuildError

TICKS_PER_EUR = 100  # price: 0.01 EUR/MWh per tick
LOTS_PER_MW = 10  # quantity: 0.1 MW per lot
CASH_UNITS_PER_EUR = 100_000
MAX_SAFE = 2**53 - 1  # the arena refuses 64-bit values beyond what a double holds exactly


def _decimal(value, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ActionBuildError(field, "a number", f"{value!r} is a {type(value).__name__}, not a number")
    try:
        d = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as err:  # pragma: no cover - repr of a float always parses
        raise ActionBuildError(field, "a number", f"{value!r} is not a number") from err
    if not d.is_finite():
        raise ActionBuildError(field, "a finite number", f"{value!r} is not finite")
    return d


def _on_grid(value, scale: int, field: str, unit: str) -> int:
    d = _decimal(value, field)
    scaled = d * scale
    if scaled != scaled.to_integral_value():
        raise ActionBuildError(field, f"a multiple of {Decimal(1) / scale} {unit}", f"{value!r} is not on the {Decimal(1) / scale} {unit} grid")
    n = int(scaled)
    if abs(n) > MAX_SAFE:
        raise ActionBuildError(field, f"within ±{MAX_SAFE}", f"{value!r} {unit} is beyond the wire's integer range")
    return n


def price_ticks(eur_per_mwh, field: str = "price_ticks") -> int:
    """EUR/MWh → ticks of 0.01 EUR/MWh, exactly (negative prices allowed)."""
    return _on_grid(eur_per_mwh, TICKS_PER_EUR, field, "EUR/MWh")


def quantity_lots(mw, field: str = "quantity_lots") -> int:
    """MW → lots of 0.1 MW, exactly; a quantity must be at least one lot."""
    lots = _on_grid(mw, LOTS_PER_MW, field, "MW")
    if lots < 1:
        raise ActionBuildError(field, ">= 0.1 MW", f"{mw!r} MW is not a positive quantity")
    return lots


def net_lots(mw, field: str = "quantity_lots") -> int:
    """Signed MW (an auction curve's net quantity: positive buys, negative sells, 0 allowed) →
    lots of 0.1 MW, exactly."""
    return _on_grid(mw, LOTS_PER_MW, field, "MW")


def ticks_to_eur(ticks: int) -> Decimal:
    """Ticks → EUR/MWh as an exact Decimal."""
    return Decimal(ticks) / TICKS_PER_EUR


def lots_to_mw(lots: int) -> Decimal:
    """Lots → MW as an exact Decimal."""
    return Decimal(lots) / LOTS_PER_MW


def cash_to_eur(units: int) -> Decimal:
    """Cash units (0.00001 EUR) → EUR as an exact Decimal."""
    return Decimal(units) / CASH_UNITS_PER_EUR
