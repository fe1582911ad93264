"""Local processing with txo 3.0: load customers.csv, convert balances to EUR, save JSON + XLSX.

Run from the project folder:  python scripts/process_customers.py demo local
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from txo.config import ConfigProxy
from txo.paths import Dir
from txo.runner import ScriptContext, run_script


def convert(rows: list[dict[str, str]], rates: ConfigProxy) -> list[dict[str, Any]]:
    """Each customer with its balance in EUR; a currency without a rate gets None."""
    out = []
    for row in rows:
        rate = rates.optional(row["currency"], default=None)
        balance = Decimal(row["balance"])
        out.append(
            {
                "number": row["number"],
                "name": row["name"],
                "country": row["country"],
                "balance": balance,
                "currency": row["currency"],
                "balance_eur": (balance * Decimal(str(rate))).quantize(Decimal("0.01"))
                if rate is not None
                else None,
            }
        )
    return out


def main(ctx: ScriptContext) -> None:
    rates = ctx.config.require("script-behavior", "currency-rates")
    rows = ctx.data.load(Dir.DATA, "customers.csv")
    customers = convert(rows, rates)
    unconverted = [c["number"] for c in customers if c["balance_eur"] is None]
    json_path = ctx.data.save(customers, Dir.OUTPUT, "customers_eur.json")
    xlsx_path = ctx.data.save(customers, Dir.OUTPUT, "customers_eur.xlsx", sheet_name="Customers")
    ctx.logger.info("Converted %d customers; no rate for: %s", len(customers), unconverted or "-")
    ctx.logger.info("Wrote %s and %s", json_path.name, xlsx_path.name)


if __name__ == "__main__":
    raise SystemExit(run_script(main, "Convert customer balances to EUR"))
