"""The MSEL (chronogramme) as a spreadsheet, both ways: export a scenario's stimuli, import an edited sheet.

    data = export_bytes(scenario, "xlsx")              # or "csv" (French Excel: ';', BOM, decimal comma)
    result = import_msel("msel.xlsx", "base.yaml", "new.yaml")

Format: docs/msel.md.
"""

from simulator.msel.export import export_bytes
from simulator.msel.importer import import_msel

__all__ = ["export_bytes", "import_msel"]
