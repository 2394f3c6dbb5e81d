"""Generate a multi-site GHT network: one convergent information system for several hospitals.

Décret 2016-524 makes the members of a GHT share one convergent information
system run by a common DSI: one Active Directory, one EHR (DPI), one admission
system (GAM), one interface engine, in a datacenter of the support
establishment. Each site keeps its own LAN, workstations, printers, phones,
biomedical devices, modalities and a few local servers. That sharing is what
lets one intrusion reach every hospital of the territory (GHT Cœur Grand Est,
2022), so the generator models it explicitly.

Everything comes from `random.Random(seed)` and ordered lists: the same
parameters give the same bytes.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import yaml

from simulator.fileio import write_atomic
from simulator.model.diagnostics import Diagnostic, InputError, one_line

SCHEMA_URL = "https://cyberdrill.org/schemas/network.schema.json"
MAX_SITES = 99
MIN_BEDS_PER_SITE = 20
MAX_BEDS = 60_000
CORE_ZONE = "ght-core"
DMZ_ZONE = "ght-dmz"
BACKUP_ZONE = "ght-backup"
DSI_ZONE = "ght-dsi"
INTERNET_ZONE = "internet-zone"
PARAMS_RE = re.compile(r"sites=(\d+), beds=(\d+), seed=(-?\d+)")

_TOWNS = (
    "Val-de-Brenne", "Saint-Aubin-sur-Loue", "Montferrand-le-Haut", "Rochebelle", "Lussac-la-Forêt",
    "Vauclair", "Beaulieu-sur-Ondaine", "Château-Moreau", "Pont-d'Arvière", "Sainte-Colombe-des-Prés",
    "Mirebeau-en-Vexin", "Les Aubiers", "Clairvaux-sur-Semme", "Bellegarde-la-Rivière", "Villers-Sauvage",
    "Auriac", "Saint-Hilaire-du-Mont", "Fontenay-les-Roses-Vertes", "Marcillac-Vallon", "Roquebrune-sur-Arve",
)
_TERRITORIES = (
    ("Cœur de Brenne", "Brenne Heartland"), ("Loue et Vallées", "Loue and Valleys"),
    ("Haute-Ondaine", "Upper Ondaine"), ("Vexin-Semme", "Vexin-Semme"), ("Arve et Monts", "Arve and Mountains"),
)

# Care units a site may open, cycled to fill its beds (French name, English name, suffix).
_WARDS = (
    ("Médecine polyvalente", "General medicine", "med"),
    ("Cardiologie", "Cardiology", "cardio"),
    ("Gériatrie", "Geriatrics", "geria"),
    ("Chirurgie orthopédique", "Orthopaedic surgery", "ortho"),
    ("Pneumologie", "Pulmonology", "pneumo"),
    ("Chirurgie viscérale", "Visceral surgery", "visc"),
    ("Soins médicaux et de réadaptation", "Rehabilitation", "smr"),
    ("Pédiatrie", "Paediatrics", "paed"),
    ("Gastro-entérologie", "Gastroenterology", "gastro"),
    ("Neurologie", "Neurology", "neuro"),
    ("Unité de soins de longue durée", "Long-term care", "usld"),
    ("Psychiatrie", "Psychiatry", "psy"),
)


def _t(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


def _fail(message: str) -> InputError:
    return InputError([Diagnostic("<generate>", 1, 1, "error", message)])


def _check_parameters(sites: Any, beds: Any, seed: Any) -> None:
    for name, value in (("sites", sites), ("beds", beds), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(f"{name} must be a whole number, not {value!r}")
    if not 1 <= sites <= MAX_SITES:
        raise _fail(f"sites must be between 1 and {MAX_SITES}, not {sites}")
    if beds < MIN_BEDS_PER_SITE * sites:
        raise _fail(f"beds must be at least {MIN_BEDS_PER_SITE} per site ({MIN_BEDS_PER_SITE * sites} for {sites} sites), not {beds}")
    if beds > MAX_BEDS:
        raise _fail(f"beds must be at most {MAX_BEDS:,}, not {beds}")


def _split_beds(rng: random.Random, sites: int, beds: int) -> list[int]:
    """Uneven split, the support establishment biggest, each site at least MIN_BEDS_PER_SITE."""
    if sites == 1:
        return [beds]
    members = [rng.uniform(0.35, 1.6) for _ in range(sites - 1)]
    weights = [max(members) * rng.uniform(1.8, 2.6)] + members
    spare = beds - MIN_BEDS_PER_SITE * sites
    total = sum(weights)
    raw = [spare * w / total for w in weights]
    shares = [int(r) for r in raw]
    # largest remainder, ties broken by position: deterministic
    order = sorted(range(sites), key=lambda i: (-(raw[i] - shares[i]), i))
    for i in order[: spare - sum(shares)]:
        shares[i] += 1
    split = [MIN_BEDS_PER_SITE + s for s in shares]
    best = max(range(sites), key=lambda i: (split[i], -i))
    split[0], split[best] = split[best], split[0]
    return split


def _capacity(arrivals_per_day: float, pattern: str, headroom: float = 1.5) -> float:
    """Hourly capacity `headroom` times the demand of the hours the function works."""
    hours = 24.0 if pattern != "business-hours" else 10.0 * 5.0 / 7.0
    return round(max(0.1, headroom * arrivals_per_day / hours), 2)


class _Builder:
    """Accumulates the lists of a network, refusing duplicate ids as it goes."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.zones: list[dict] = []
        self.flows: list[dict] = []
        self.assets: list[dict] = []
        self.services: list[dict] = []
        self.functions: list[dict] = []

    def _claim(self, ident: str) -> str:
        if ident in self.ids:
            raise ValueError(f"generator produced a duplicate id '{ident}'")
        self.ids.add(ident)
        return ident

    def zone(self, ident: str, name: dict, kind: str, site: str | None, **extra: Any) -> str:
        self.zones.append({"id": self._claim(ident), "name": name, "kind": kind, "site": site, **extra})
        return ident

    def flow(self, src: str, dst: str, protocols: list[str], bidirectional: bool = False, why: dict | None = None) -> None:
        item: dict[str, Any] = {"from": src, "to": dst, "protocols": protocols}
        if bidirectional:
            item["bidirectional"] = True
        if why is not None:
            item["description"] = why
        self.flows.append(item)

    def asset(self, ident: str, name: Any, kind: str, zone: str, **extra: Any) -> str:
        item: dict[str, Any] = {"id": self._claim(ident), "name": name, "kind": kind, "zone": zone}
        for key, value in extra.items():
            if value is None or value is False or value == [] or (key == "count" and value == 1) or (key == "tier" and value == 2):
                continue
            item[key] = value
        self.assets.append(item)
        return ident

    def service(self, ident: str, name: dict, category: str, needs: list[tuple[str, str, str]], **extra: Any) -> str:
        """`needs` holds (asset|service, id, hard|soft) triples."""
        item: dict[str, Any] = {
            "id": self._claim(ident),
            "name": name,
            "category": category,
            "needs": [{what: target, "strength": strength} for what, target, strength in needs],
        }
        item.update({k: v for k, v in extra.items() if v is not None})
        self.services.append(item)
        return ident

    def function(self, ident: str, name: dict, **fields: Any) -> str:
        self.functions.append({"id": self._claim(ident), "name": name, **fields})
        return ident


def _vm(b: _Builder, ident: str, name: Any, zone: str, host: list[str], os_name: str = "windows-server-2019",
        tier: int = 1, records: int = 0, domain_joined: bool = True, **extra: Any) -> str:
    return b.asset(ident, name, "server", zone, os=os_name, domain_joined=domain_joined, tier=tier,
                   runs_on=host, records=records or None, **extra)


def _shared(b: _Builder, beds: int) -> None:
    """The convergent IS of the GHT, hosted once in the support establishment's datacenter."""
    b.zone(CORE_ZONE, _t("Datacenter du GHT (SI convergent)", "GHT datacenter (convergent IS)"), "datacenter", None,
           description=_t("Serveurs mutualisés de tous les établissements (décret 2016-524).",
                          "Servers shared by every member hospital (décret 2016-524)."))
    b.zone(DMZ_ZONE, _t("DMZ du GHT", "GHT DMZ"), "dmz", None, internet_exposed=True)
    b.zone(BACKUP_ZONE, _t("Sauvegardes du GHT", "GHT backups"), "backup", None)
    b.zone(DSI_ZONE, _t("Administration DSI commune", "Common IT department administration"), "management", None)
    b.zone(INTERNET_ZONE, _t("Internet", "Internet"), "external", None)

    cluster_hosts = max(4, round(beds / 250))
    patients = beds * 300
    b.asset("core-sw-1", "GHT-CORE-SW1", "network-device", CORE_ZONE, tier=0)
    b.asset("core-sw-2", "GHT-CORE-SW2", "network-device", CORE_ZONE, tier=0)
    b.asset("core-fw", _t("Pare-feu cœur du GHT", "GHT core firewall"), "firewall", CORE_ZONE, tier=0)
    b.asset("inet-gw", _t("Passerelle internet et proxy", "Internet gateway and proxy"), "firewall", DMZ_ZONE, tier=0)
    b.asset("vpn-portal", _t("Portail d'accès distant (VPN)", "Remote access portal (VPN)"), "remote-access", DMZ_ZONE,
            internet_facing=True, tier=0, os="appliance")
    b.asset("vendor-link", _t("Télémaintenance des fournisseurs biomédicaux", "Biomedical vendors' remote maintenance"),
            "third-party-link", DMZ_ZONE, internet_facing=True)
    b.asset("mail-relay", _t("Relais de messagerie", "Mail relay"), "appliance", DMZ_ZONE, os="linux", internet_facing=True, tier=1)
    for i in (1, 2, 3):
        b.asset(f"dc0{i}", f"GHT-DC0{i}", "domain-controller", CORE_ZONE, os="windows-server-2019", domain_joined=True, tier=0)
    b.asset("san", _t("Baie de stockage SAN", "SAN storage array"), "storage", CORE_ZONE, tier=0, os="embedded")
    b.asset("hv-cluster", _t("Cluster d'hyperviseurs", "Hypervisor cluster"), "hypervisor", CORE_ZONE, count=cluster_hosts,
            os="esxi", tier=0, runs_on=["san"])
    b.asset("vcenter", _t("Console de virtualisation", "Virtualisation console"), "server", CORE_ZONE, os="linux",
            domain_joined=True, tier=0, runs_on=["hv-cluster", "san"])
    host = ["hv-cluster", "san"]
    _vm(b, "ehr-app-1", "GHT-DPI-APP1", CORE_ZONE, host)
    _vm(b, "ehr-app-2", "GHT-DPI-APP2", CORE_ZONE, host)
    b.asset("ehr-db", _t("Base de données du DPI", "EHR database"), "database", CORE_ZONE, os="linux", tier=1,
            runs_on=host, records=patients)
    _vm(b, "adt-app", "GHT-GAM-APP", CORE_ZONE, host)
    b.asset("adt-db", _t("Base identités et mouvements (GAM)", "Admissions database (ADT)"), "database", CORE_ZONE,
            os="linux", tier=1, runs_on=host, records=patients)
    _vm(b, "eai-1", "GHT-EAI1", CORE_ZONE, host, os_name="linux", domain_joined=False)
    _vm(b, "eai-2", "GHT-EAI2", CORE_ZONE, host, os_name="linux", domain_joined=False)
    _vm(b, "lis-app", "GHT-SIL-APP", CORE_ZONE, host)
    b.asset("lis-db", _t("Base du SIL", "LIS database"), "database", CORE_ZONE, os="linux", tier=1, runs_on=host,
            records=patients // 2)
    _vm(b, "pacs-app", "GHT-PACS-APP", CORE_ZONE, host)
    b.asset("pacs-archive", _t("Archive PACS (baie dédiée)", "PACS archive (dedicated array)"), "storage", CORE_ZONE,
            os="embedded", tier=1, records=patients // 2)
    _vm(b, "ris-app", "GHT-RIS-APP", CORE_ZONE, host)
    _vm(b, "pharma-app", "GHT-PHARMA-APP", CORE_ZONE, host)
    _vm(b, "chemo-app", "GHT-CHIMIO-APP", CORE_ZONE, host)
    _vm(b, "mail-1", "GHT-MAIL1", CORE_ZONE, host, records=beds * 3)
    _vm(b, "mail-2", "GHT-MAIL2", CORE_ZONE, host)
    _vm(b, "finance-app", "GHT-GEF-APP", CORE_ZONE, host)
    _vm(b, "hr-app", "GHT-GRH-APP", CORE_ZONE, host, records=beds * 3)
    _vm(b, "intranet-srv", "GHT-INTRANET", CORE_ZONE, host)
    _vm(b, "vdi-1", "GHT-CITRIX1", CORE_ZONE, host)
    _vm(b, "vdi-2", "GHT-CITRIX2", CORE_ZONE, host)
    _vm(b, "wsus", "GHT-WSUS", CORE_ZONE, host)
    _vm(b, "antivirus-console", "GHT-AV-CONSOLE", CORE_ZONE, host, tier=0)
    _vm(b, "pki", "GHT-PKI", CORE_ZONE, host, tier=0)
    b.asset("backup-online", _t("Serveur de sauvegarde (disque)", "Backup server (disk)"), "backup", BACKUP_ZONE,
            os="windows-server-2019", domain_joined=True, tier=0,
            backup={"offline": False, "protects": [], "restore_hours_per_asset": 4.0, "age_hours": 24.0})
    b.asset("backup-offline", _t("Sauvegarde hors ligne (bandes)", "Offline backup (tapes)"), "backup", BACKUP_ZONE,
            os="embedded", tier=0,
            backup={"offline": True, "protects": [], "restore_hours_per_asset": 8.0, "age_hours": 168.0})
    b.asset("dsi-admin-ws", _t("Postes d'administration de la DSI", "IT department admin workstations"), "workstations",
            DSI_ZONE, count=max(6, round(beds / 120)), os="windows-10", domain_joined=True, tier=0)
    b.asset("dsi-jump", "GHT-BASTION", "server", DSI_ZONE, os="windows-server-2019", domain_joined=True, tier=0)

    S, A = "service", "asset"
    b.service("network-core", _t("Réseau cœur du GHT", "GHT core network"), "infrastructure",
              [(A, "core-sw-1", "hard"), (A, "core-sw-2", "soft"), (A, "core-fw", "hard")], restore_priority=1, rebuild_hours=8)
    b.service("internet", _t("Accès internet", "Internet access"), "external",
              [(A, "inet-gw", "hard"), (S, "network-core", "hard")], restore_priority=8, rebuild_hours=8)
    b.service("ad", _t("Annuaire Active Directory du GHT", "GHT Active Directory"), "infrastructure",
              [(A, "dc01", "hard"), (A, "dc02", "soft"), (A, "dc03", "soft"), (S, "network-core", "hard")],
              restore_priority=1, rebuild_hours=24)
    b.service("storage", _t("Stockage SAN", "SAN storage"), "infrastructure",
              [(A, "san", "hard"), (S, "network-core", "hard")], restore_priority=1, rebuild_hours=24)
    b.service("virtualization", _t("Virtualisation", "Virtualisation"), "infrastructure",
              [(A, "hv-cluster", "hard"), (A, "vcenter", "soft"), (S, "storage", "hard"), (S, "ad", "soft")],
              restore_priority=1, rebuild_hours=24)
    b.service("backup", _t("Sauvegardes", "Backups"), "infrastructure",
              [(A, "backup-online", "hard"), (A, "backup-offline", "soft"), (S, "network-core", "hard")],
              restore_priority=1, rebuild_hours=16)
    b.service("eai", _t("EAI (moteur d'interfaces)", "EAI (interface engine)"), "infrastructure",
              [(A, "eai-1", "hard"), (A, "eai-2", "soft"), (S, "virtualization", "hard")], restore_priority=2, rebuild_hours=24)
    b.service("adt", _t("GAM (admissions, identités)", "ADT (admissions, identity)"), "administrative",
              [(A, "adt-app", "hard"), (A, "adt-db", "hard"), (S, "virtualization", "hard"), (S, "ad", "hard"),
               (S, "eai", "soft")], restore_priority=2, rebuild_hours=40)
    b.service("ehr", _t("DPI (dossier patient informatisé)", "EHR (electronic health record)"), "clinical",
              [(A, "ehr-app-1", "hard"), (A, "ehr-app-2", "soft"), (A, "ehr-db", "hard"), (S, "virtualization", "hard"),
               (S, "ad", "hard"), (S, "adt", "soft"), (S, "eai", "soft")], restore_priority=2, rebuild_hours=60)
    b.service("lis", _t("SIL (laboratoire)", "LIS (laboratory)"), "clinical",
              [(A, "lis-app", "hard"), (A, "lis-db", "hard"), (S, "virtualization", "hard"), (S, "ad", "soft"),
               (S, "eai", "soft")], restore_priority=2, rebuild_hours=40)
    b.service("pacs", _t("PACS (imagerie)", "PACS (imaging)"), "clinical",
              [(A, "pacs-app", "hard"), (A, "pacs-archive", "hard"), (S, "virtualization", "hard"), (S, "ad", "soft")],
              restore_priority=3, rebuild_hours=40)
    b.service("ris", _t("RIS (radiologie)", "RIS (radiology)"), "clinical",
              [(A, "ris-app", "hard"), (S, "virtualization", "hard"), (S, "ad", "soft"), (S, "eai", "soft")],
              restore_priority=3, rebuild_hours=24)
    b.service("pharmacy-system", _t("Pharmacie (circuit du médicament)", "Pharmacy (medication management)"), "clinical",
              [(A, "pharma-app", "hard"), (S, "virtualization", "hard"), (S, "ad", "hard"), (S, "ehr", "soft")],
              restore_priority=3, rebuild_hours=24)
    b.service("chemo", _t("Chimiothérapie (calcul des doses)", "Chemotherapy (dose computation)"), "clinical",
              [(A, "chemo-app", "hard"), (S, "virtualization", "hard"), (S, "pharmacy-system", "soft"), (S, "ehr", "soft")],
              restore_priority=3, rebuild_hours=24)
    b.service("email", _t("Messagerie", "Email"), "communication",
              [(A, "mail-1", "hard"), (A, "mail-2", "soft"), (A, "mail-relay", "soft"), (S, "ad", "hard"),
               (S, "virtualization", "hard"), (S, "internet", "soft")], restore_priority=6, rebuild_hours=24)
    b.service("remote-access", _t("Accès distant (VPN)", "Remote access (VPN)"), "infrastructure",
              [(A, "vpn-portal", "hard"), (S, "ad", "hard"), (S, "internet", "hard")], restore_priority=7, rebuild_hours=8)
    b.service("vdi", _t("Bureaux et applications publiés (Citrix)", "Published desktops and applications (Citrix)"),
              "infrastructure", [(A, "vdi-1", "hard"), (A, "vdi-2", "soft"), (S, "ad", "hard"), (S, "virtualization", "hard")],
              restore_priority=2, rebuild_hours=16)
    b.service("finance", _t("Gestion économique et financière", "Finance and procurement"), "administrative",
              [(A, "finance-app", "hard"), (S, "virtualization", "hard"), (S, "ad", "hard")], restore_priority=7)
    b.service("hr-payroll", _t("Ressources humaines et paie", "HR and payroll"), "administrative",
              [(A, "hr-app", "hard"), (S, "virtualization", "hard"), (S, "ad", "hard")], restore_priority=6)
    b.service("intranet", _t("Intranet (procédures, annuaire)", "Intranet (procedures, directory)"), "communication",
              [(A, "intranet-srv", "hard"), (S, "virtualization", "hard"), (S, "ad", "soft")], restore_priority=8)
    b.service("it-admin", _t("Administration du SI (DSI commune)", "IT administration (common IT department)"),
              "infrastructure", [(A, "dsi-admin-ws", "hard"), (A, "dsi-jump", "soft"), (S, "ad", "hard")],
              restore_priority=1, rebuild_hours=8)

    b.flow(INTERNET_ZONE, DMZ_ZONE, ["https", "ipsec", "smtp"],
           why=_t("Portail VPN, relais de messagerie, télémaintenance.", "VPN portal, mail relay, vendor maintenance."))
    b.flow(DMZ_ZONE, CORE_ZONE, ["ldap", "radius", "https", "rdp", "smtp"],
           why=_t("Authentification des accès distants et publication Citrix.", "Remote access authentication and Citrix publishing."))
    b.flow(CORE_ZONE, INTERNET_ZONE, ["https", "smtp", "dns"],
           why=_t("Sortie internet via la passerelle (INSi, DMP, MSSanté).", "Outbound internet through the gateway (INSi, DMP, MSSanté)."))
    b.flow(CORE_ZONE, BACKUP_ZONE, ["smb", "https", "ndmp"], bidirectional=True,
           why=_t("Flux de sauvegarde.", "Backup traffic."))
    b.flow(DSI_ZONE, CORE_ZONE, ["rdp", "ssh", "https", "smb", "ldap", "kerberos"])
    b.flow(DSI_ZONE, BACKUP_ZONE, ["https", "rdp"])
    b.flow(DSI_ZONE, DMZ_ZONE, ["ssh", "https"])


def _site_beds_units(beds: int) -> int:
    return max(2, round(beds / 28))


def _site(b: _Builder, rng: random.Random, site: dict) -> None:
    """One hospital of the GHT: its own LAN, devices and local servers, using the shared IS."""
    sid, beds, support = site["id"], site["beds"], site["role"] == "support"
    up = sid.upper()
    has_surgery = support or beds >= 150
    has_icu = support or beds >= 250
    has_maternity = support or (beds >= 180 and rng.random() < 0.6)

    def z(suffix: str) -> str:
        return f"{sid}-net-{suffix}"

    town = site["town"]
    zones = (
        ("servers", "Salle serveurs", "Server room", "datacenter"),
        ("clinical", "Postes cliniques", "Clinical workstations", "clinical"),
        ("admin", "Postes administratifs", "Administrative workstations", "admin"),
        ("biomed", "Dispositifs médicaux", "Medical devices", "medical-devices"),
        ("imaging", "Imagerie", "Imaging", "imaging"),
        ("lab", "Laboratoire", "Laboratory", "laboratory"),
        ("voice", "Téléphonie", "Telephony", "telephony"),
        ("building", "Gestion technique du bâtiment", "Building management", "building"),
        ("mgmt", "Administration réseau", "Network management", "management"),
    )
    for suffix, fr, en, kind in zones:
        b.zone(z(suffix), _t(f"{fr} — {town}", f"{en} — {town}"), kind, sid)

    # Network: core, WAN, access switches (one per ~3.5 beds: floors, technical platforms, offices).
    b.asset(f"{sid}-core-sw-1", f"{up}-CORE-SW1", "network-device", z("mgmt"), tier=0)
    b.asset(f"{sid}-core-sw-2", f"{up}-CORE-SW2", "network-device", z("mgmt"), tier=0)
    b.asset(f"{sid}-fw", f"{up}-FW", "firewall", z("mgmt"), tier=0)
    b.asset(f"{sid}-wan-rtr", f"{up}-WAN-RTR", "network-device", z("mgmt"), tier=0)
    b.asset(f"{sid}-wifi-ctl", f"{up}-WLC", "network-device", z("mgmt"), tier=1)
    b.asset(f"{sid}-wifi-ap", _t(f"Bornes Wi-Fi {up}", f"{up} Wi-Fi access points"), "network-device", z("mgmt"),
            count=max(4, round(beds / 3)))
    switches = []
    for i in range(1, max(6, round(beds / 3.5)) + 1):
        switches.append(b.asset(f"{sid}-swa-{i:03d}", f"{up}-SWA-{i:03d}", "network-device", z("mgmt")))

    # Local servers on a small site cluster.
    hosts = max(2, min(6, round(beds / 150)))
    b.asset(f"{sid}-nas", f"{up}-NAS", "storage", z("servers"), os="embedded", tier=1)
    b.asset(f"{sid}-hv", _t(f"Hyperviseurs locaux {up}", f"{up} local hypervisors"), "hypervisor", z("servers"),
            count=hosts, os="esxi", tier=0, runs_on=[f"{sid}-nas"])
    host = [f"{sid}-hv", f"{sid}-nas"]

    def v(suffix: str, **kw: Any) -> str:
        return _vm(b, f"{sid}-{suffix}", f"{up}-{suffix.upper()}", z("servers"), host, **kw)

    v("file-srv", records=beds * 4)
    v("print-srv")
    v("sccm-dp")
    v("pacs-cache-srv", os_name="linux", domain_joined=False)
    v("infusion-srv")
    v("nurse-call-srv", os_name="linux", domain_joined=False)
    v("lab-middleware")
    v("dispensing-srv")
    v("bms-srv", os_name="windows-server-2012", domain_joined=False)
    v("access-ctl-srv", os_name="windows-server-2016")
    v("cctv-nvr", os_name="linux", domain_joined=False)
    v("ipbx", os_name="linux", domain_joined=False)
    v("dect-srv", os_name="linux", domain_joined=False)
    v("biomed-gmao")
    v("meal-ordering")
    v("queue-kiosk")
    if has_icu:
        v("icu-central", os_name="windows-server-2016", domain_joined=False)
    if has_surgery:
        v("steri-srv")
        v("anaesthesia-srv")
        v("or-planning-srv")
    if has_maternity:
        v("ctg-central", os_name="windows-server-2016", domain_joined=False)
    if support:
        v("dialysis-srv")
        v("radiotherapy-tps", os_name="windows-server-2016")

    # Care units: the ones the site's activities need, then wards cycled to fill its beds.
    wards: list[tuple[str, str, str]] = []
    if has_icu:
        wards.append(("Réanimation", "Intensive care", "icu"))
    if has_maternity:
        wards.append(("Maternité", "Maternity", "mater"))
    if has_surgery:
        wards.append(("Bloc opératoire", "Operating theatres", "or"))
    wards.append(("Urgences", "Emergency department", "ed"))
    offset = rng.randrange(len(_WARDS))
    seen: dict[str, int] = {}
    i = 0
    while len(wards) < _site_beds_units(beds):
        fr, en, suffix = _WARDS[(offset + i) % len(_WARDS)]
        i += 1
        n = seen.get(suffix, 0) + 1
        seen[suffix] = n
        wards.append((f"{fr} {n}", f"{en} {n}", f"{suffix}{n}"))

    # Workstations ~2.5 per bed: a quarter administrative, the rest clinical (care units, then a shared pool).
    total_ws = round(2.5 * beds)
    admin_ws = max(5, round(total_ws * 0.25))
    per_unit_ws = [max(4, round(rng.uniform(7, 12) * beds / len(wards) / 28)) for _ in wards]
    pool = max(10, total_ws - admin_ws - sum(per_unit_ws))
    b.asset(f"{sid}-ws-clinical", _t(f"Postes cliniques partagés {up}", f"{up} shared clinical workstations"),
            "workstations", z("clinical"), count=pool, os="windows-10", domain_joined=True)
    b.asset(f"{sid}-ws-admin", _t(f"Postes administratifs {up}", f"{up} administrative workstations"),
            "workstations", z("admin"), count=admin_ws, os="windows-10", domain_joined=True)
    b.asset(f"{sid}-ws-legacy", _t(f"Postes anciens non mis à jour {up}", f"{up} legacy unpatched workstations"),
            "workstations", z("clinical"), count=max(2, round(total_ws * rng.uniform(0.01, 0.04))), os="windows-7",
            domain_joined=True, controls={"patched": False})
    b.asset(f"{sid}-printers", _t(f"Imprimantes administratives {up}", f"{up} office printers"), "printers", z("admin"),
            count=max(3, round(beds / 10)))
    b.asset(f"{sid}-phones", _t(f"Téléphones fixes {up}", f"{up} desk phones"), "phones", z("voice"),
            count=max(10, round(beds * 1.2)))
    b.asset(f"{sid}-dect", _t(f"Bornes DECT {up}", f"{up} DECT base stations"), "phones", z("voice"),
            count=max(4, round(beds / 12)))
    b.asset(f"{sid}-voice-gw", f"{up}-VOICE-GW", "appliance", z("voice"), os="embedded", tier=1)

    # Per care unit: workstations, printers, DECT handsets, pumps, monitors, dispensing cabinet, nurse call.
    for k, (fr, en, suffix) in enumerate(wards):
        u = f"{sid}-{suffix}"
        ws = per_unit_ws[k]
        b.asset(f"{u}-ws", _t(f"Postes — {fr} {up}", f"Workstations — {en} {up}"), "workstations", z("clinical"),
                count=ws, os="windows-10", domain_joined=True)
        b.asset(f"{u}-prn", _t(f"Imprimantes — {fr} {up}", f"Printers — {en} {up}"), "printers", z("clinical"),
                count=max(2, ws // 4))
        b.asset(f"{u}-handsets", _t(f"Téléphones DECT — {fr} {up}", f"DECT handsets — {en} {up}"), "phones", z("voice"),
                count=max(4, ws))
        b.asset(f"{u}-pumps", _t(f"Pousse-seringues et pompes — {fr} {up}", f"Infusion pumps — {en} {up}"),
                "medical-device", z("biomed"), count=max(6, round(ws * rng.uniform(1.5, 3.0))), os="embedded")
        b.asset(f"{u}-monitors", _t(f"Moniteurs patients — {fr} {up}", f"Patient monitors — {en} {up}"),
                "medical-device", z("biomed"), count=max(4, round(ws * rng.uniform(0.8, 2.0))), os="embedded")
        b.asset(f"{u}-cabinet", _t(f"Armoire à pharmacie sécurisée — {fr} {up}", f"Dispensing cabinet — {en} {up}"),
                "appliance", z("biomed"), os="windows-10-iot")
        b.asset(f"{u}-nurse-call", _t(f"Appel malade — {fr} {up}", f"Nurse call — {en} {up}"), "iot", z("building"),
                count=max(8, ws * 2), os="embedded")

    # Modalities and analyzers, one node each: staff name them ("le scanner 2").
    def devices(prefix: str, n: int, fr: str, en: str, zone: str, kind: str = "medical-device", legacy: float = 0.2,
                os_name: str = "windows-10-iot") -> list[str]:
        out = []
        for j in range(1, n + 1):
            old = rng.random() < legacy
            out.append(b.asset(f"{sid}-{prefix}-{j}", _t(f"{fr} {j} {up}", f"{en} {j} {up}"), kind, zone,
                               os="windows-7" if old else os_name, controls={"patched": False} if old else None))
        return out

    modalities = []
    modalities += devices("ct", max(1, beds // 300), "Scanner", "CT scanner", z("imaging"))
    modalities += devices("mri", beds // 400 + (1 if support else 0), "IRM", "MRI", z("imaging"))
    modalities += devices("xray", max(1, beds // 100), "Salle de radiologie", "X-ray room", z("imaging"))
    modalities += devices("mobile-xray", max(1, beds // 150), "Radio mobile", "Mobile X-ray", z("imaging"))
    modalities += devices("us", max(1, beds // 40), "Échographe", "Ultrasound", z("imaging"), legacy=0.1)
    if beds >= 200:
        modalities += devices("mammo", 1, "Mammographe", "Mammography unit", z("imaging"))
    if support:
        modalities += devices("cathlab", 1, "Salle de coronarographie", "Cath lab", z("imaging"))
    b.asset(f"{sid}-imaging-ws", _t(f"Consoles d'interprétation {up}", f"{up} reading workstations"), "workstations",
            z("imaging"), count=max(2, beds // 40), os="windows-10", domain_joined=True)
    analyzers = devices("analyzer", max(3, beds // 20), "Automate de biologie", "Lab analyzer", z("lab"), legacy=0.15)
    b.asset(f"{sid}-lab-ws", _t(f"Postes du laboratoire {up}", f"{up} laboratory workstations"), "workstations",
            z("lab"), count=max(3, beds // 25), os="windows-10", domain_joined=True)
    b.asset(f"{sid}-blood-fridge", _t(f"Dépôt de sang {up}", f"{up} blood bank storage"), "medical-device", z("lab"),
            os="embedded")
    anaesthesia: list[str] = []
    if has_surgery:
        anaesthesia = devices("or", max(2, beds // 35), "Poste d'anesthésie salle", "Anaesthesia workstation OR", z("biomed"),
                              legacy=0.1)
        b.asset(f"{sid}-steri-washers", _t(f"Laveurs et autoclaves {up}", f"{up} washers and autoclaves"),
                "medical-device", z("biomed"), count=max(3, beds // 60), os="embedded")
    if has_icu:
        b.asset(f"{sid}-ventilators", _t(f"Respirateurs {up}", f"{up} ventilators"), "medical-device", z("biomed"),
                count=max(6, beds // 25), os="embedded")
    if support:
        b.asset(f"{sid}-dialysis-machines", _t(f"Générateurs de dialyse {up}", f"{up} dialysis machines"), "medical-device",
                z("biomed"), count=max(8, beds // 40), os="embedded")
        b.asset(f"{sid}-linac", _t("Accélérateur de radiothérapie", "Radiotherapy linac"), "medical-device", z("biomed"),
                count=2, os="windows-10-iot")

    # Building: controllers one by one (GTB), the rest as groups.
    for j in range(1, max(3, beds // 15) + 1):
        b.asset(f"{sid}-bms-{j:02d}", f"{up}-GTB-{j:02d}", "iot", z("building"), os="embedded")
    b.asset(f"{sid}-lifts", _t(f"Ascenseurs {up}", f"{up} lifts"), "iot", z("building"), count=max(2, beds // 60),
            os="embedded")
    b.asset(f"{sid}-badges", _t(f"Lecteurs de badges {up}", f"{up} badge readers"), "iot", z("building"),
            count=max(10, beds // 3), os="embedded")
    b.asset(f"{sid}-cameras", _t(f"Caméras de vidéoprotection {up}", f"{up} CCTV cameras"), "iot", z("building"),
            count=max(8, beds // 6), os="embedded")

    # Site services, each depending on the shared convergent IS.
    S, A = "service", "asset"
    lan_needs = [(A, f"{sid}-core-sw-1", "hard"), (A, f"{sid}-core-sw-2", "soft"), (A, f"{sid}-fw", "soft"),
                 (A, f"{sid}-wifi-ctl", "soft")] + [(A, s, "soft") for s in switches]
    b.service(f"{sid}-lan", _t(f"Réseau local {up}", f"{up} local network"), "infrastructure", lan_needs,
              restore_priority=1, rebuild_hours=8, site=sid)
    b.service(f"{sid}-wan", _t(f"Lien réseau GHT {up}", f"{up} GHT network link"), "infrastructure",
              [(A, f"{sid}-wan-rtr", "hard"), (S, f"{sid}-lan", "hard"), (S, "network-core", "hard")],
              restore_priority=1, rebuild_hours=4, site=sid)
    unit_ws = [(A, f"{sid}-{w[2]}-ws", "soft") for w in wards]
    b.service(f"{sid}-clinical-desktop", _t(f"Postes cliniques {up}", f"{up} clinical desktops"), "infrastructure",
              [(A, f"{sid}-ws-clinical", "hard"), (S, "ad", "hard"), (S, f"{sid}-wan", "hard"), (S, "vdi", "soft")] + unit_ws,
              restore_priority=2, rebuild_hours=24, site=sid)
    b.service(f"{sid}-office-desktop", _t(f"Postes administratifs {up}", f"{up} office desktops"), "administrative",
              [(A, f"{sid}-ws-admin", "hard"), (S, "ad", "hard"), (S, f"{sid}-wan", "hard"), (S, "vdi", "soft")],
              restore_priority=5, rebuild_hours=24, site=sid)
    b.service(f"{sid}-file-shares", _t(f"Partages de fichiers {up}", f"{up} file shares"), "administrative",
              [(A, f"{sid}-file-srv", "hard"), (S, "ad", "hard"), (S, f"{sid}-lan", "hard")],
              restore_priority=6, site=sid)
    b.service(f"{sid}-printing", _t(f"Impression {up}", f"{up} printing"), "communication",
              [(A, f"{sid}-print-srv", "hard"), (A, f"{sid}-printers", "soft"), (S, "ad", "hard"), (S, f"{sid}-lan", "hard")]
              + [(A, f"{sid}-{w[2]}-prn", "soft") for w in wards], restore_priority=4, rebuild_hours=8, site=sid)
    b.service(f"{sid}-telephony", _t(f"Téléphonie {up}", f"{up} telephony"), "communication",
              [(A, f"{sid}-ipbx", "hard"), (A, f"{sid}-voice-gw", "hard"), (A, f"{sid}-phones", "soft"),
               (A, f"{sid}-dect-srv", "soft"), (A, f"{sid}-dect", "soft"), (S, f"{sid}-lan", "hard"),
               (S, "network-core", "soft")], restore_priority=2, rebuild_hours=12, site=sid)
    b.service(f"{sid}-nurse-call", _t(f"Appel malade {up}", f"{up} nurse call"), "communication",
              [(A, f"{sid}-nurse-call-srv", "hard"), (S, f"{sid}-telephony", "soft"), (S, f"{sid}-lan", "soft")],
              restore_priority=2, rebuild_hours=8, site=sid)
    b.service(f"{sid}-infusion", _t(f"Serveur de perfusion {up}", f"{up} infusion server"), "clinical",
              [(A, f"{sid}-infusion-srv", "hard"), (S, f"{sid}-lan", "hard")], restore_priority=3, rebuild_hours=8, site=sid)
    b.service(f"{sid}-pacs-cache", _t(f"Cache PACS local {up}", f"{up} local PACS cache"), "clinical",
              [(A, f"{sid}-pacs-cache-srv", "hard"), (S, "pacs", "soft"), (S, f"{sid}-wan", "soft"), (S, f"{sid}-lan", "hard")],
              restore_priority=3, rebuild_hours=12, site=sid)
    b.service(f"{sid}-modalities", _t(f"Modalités d'imagerie {up}", f"{up} imaging modalities"), "clinical",
              [(A, m, "soft") for m in modalities] + [(A, f"{sid}-imaging-ws", "soft"), (S, "ris", "soft")],
              restore_priority=3, rebuild_hours=12, site=sid)
    b.service(f"{sid}-lab-analyzers", _t(f"Automates et middleware du laboratoire {up}", f"{up} lab analyzers and middleware"),
              "clinical", [(A, f"{sid}-lab-middleware", "hard")] + [(A, a, "soft") for a in analyzers]
              + [(S, "lis", "hard"), (S, f"{sid}-lan", "hard")], restore_priority=2, rebuild_hours=16, site=sid)
    b.service(f"{sid}-dispensing", _t(f"Armoires à pharmacie {up}", f"{up} dispensing cabinets"), "clinical",
              [(A, f"{sid}-dispensing-srv", "hard"), (S, "pharmacy-system", "soft"), (S, f"{sid}-lan", "hard")]
              + [(A, f"{sid}-{w[2]}-cabinet", "soft") for w in wards], restore_priority=4, rebuild_hours=8, site=sid)
    b.service(f"{sid}-bms", _t(f"Gestion technique du bâtiment {up}", f"{up} building management"), "infrastructure",
              [(A, f"{sid}-bms-srv", "hard"), (S, f"{sid}-lan", "soft")], restore_priority=5, rebuild_hours=12, site=sid)
    if has_icu:
        b.service(f"{sid}-icu-monitoring", _t(f"Surveillance centrale réanimation {up}", f"{up} ICU central monitoring"),
                  "clinical", [(A, f"{sid}-icu-central", "hard"), (A, f"{sid}-icu-monitors", "soft"), (S, f"{sid}-lan", "hard"),
                               (S, "ehr", "soft")], restore_priority=1, rebuild_hours=8, site=sid)
    if has_surgery:
        b.service(f"{sid}-sterilisation-tracking", _t(f"Traçabilité de la stérilisation {up}", f"{up} sterilisation tracking"),
                  "clinical", [(A, f"{sid}-steri-srv", "hard"), (A, f"{sid}-steri-washers", "soft"), (S, "ad", "soft"),
                               (S, f"{sid}-lan", "hard")], restore_priority=3, rebuild_hours=12, site=sid)
        b.service(f"{sid}-anaesthesia", _t(f"Dossier d'anesthésie {up}", f"{up} anaesthesia records"), "clinical",
                  [(A, f"{sid}-anaesthesia-srv", "hard")] + [(A, o, "soft") for o in anaesthesia]
                  + [(S, "ehr", "soft"), (S, f"{sid}-lan", "hard")], restore_priority=3, rebuild_hours=12, site=sid)
        b.service(f"{sid}-or-management", _t(f"Programmation du bloc {up}", f"{up} theatre scheduling"), "clinical",
                  [(A, f"{sid}-or-planning-srv", "hard"), (S, "ehr", "soft"), (S, "ad", "hard")],
                  restore_priority=4, rebuild_hours=12, site=sid)
    if has_maternity:
        b.service(f"{sid}-fetal-monitoring", _t(f"Centrale de monitorage fœtal {up}", f"{up} fetal monitoring central"),
                  "clinical", [(A, f"{sid}-ctg-central", "hard"), (S, f"{sid}-lan", "hard")],
                  restore_priority=2, rebuild_hours=8, site=sid)

    _site_flows(b, z, support)
    _site_functions(b, rng, site, has_surgery, has_icu, has_maternity)


def _site_flows(b: _Builder, z: Any, support: bool) -> None:
    """Segmentation of one site and its WAN link to the GHT datacenter."""
    why_core = _t("Accès au SI convergent du GHT par le réseau GHT.", "Access to the GHT convergent IS over the GHT network.")
    b.flow(z("clinical"), CORE_ZONE, ["https", "ica", "ldap", "kerberos", "smb", "hl7"], why=why_core)
    b.flow(z("admin"), CORE_ZONE, ["https", "ica", "ldap", "kerberos", "smb", "smtp"], why=why_core)
    b.flow(z("servers"), CORE_ZONE, ["ldap", "kerberos", "smb", "hl7", "dicom", "sql", "https"], bidirectional=True, why=why_core)
    b.flow(z("imaging"), CORE_ZONE, ["dicom", "hl7"], why=why_core)
    b.flow(z("lab"), CORE_ZONE, ["hl7", "https", "ldap", "kerberos"], why=why_core)
    b.flow(z("biomed"), CORE_ZONE, ["hl7"], why=why_core)
    b.flow(z("voice"), CORE_ZONE, ["sip", "ldap"], why=why_core)
    b.flow(z("building"), CORE_ZONE, ["https"], why=why_core)
    b.flow(z("mgmt"), CORE_ZONE, ["snmp", "syslog", "radius"], why=why_core)
    b.flow(DSI_ZONE, z("servers"), ["rdp", "ssh", "smb", "https", "winrm"],
           why=_t("Administration par la DSI commune.", "Administration by the common IT department."))
    b.flow(DSI_ZONE, z("clinical"), ["rdp", "smb", "winrm"])
    b.flow(DSI_ZONE, z("admin"), ["rdp", "smb", "winrm"])
    b.flow(DSI_ZONE, z("mgmt"), ["ssh", "https", "snmp"])
    b.flow(CORE_ZONE, z("clinical"), ["smb", "https"], why=_t("Déploiement logiciel (WSUS, antivirus).", "Software deployment (WSUS, antivirus)."))
    b.flow(CORE_ZONE, z("admin"), ["smb", "https"])
    b.flow(BACKUP_ZONE, z("servers"), ["smb", "https"], why=_t("Sauvegarde des serveurs locaux.", "Backup of local servers."))
    b.flow(z("clinical"), z("servers"), ["smb", "ipp", "https"])
    b.flow(z("admin"), z("servers"), ["smb", "ipp", "https"])
    b.flow(z("clinical"), z("imaging"), ["dicom", "https"])
    b.flow(z("imaging"), z("servers"), ["dicom"], bidirectional=True)
    b.flow(z("biomed"), z("servers"), ["hl7", "https"], bidirectional=True)
    b.flow(z("lab"), z("servers"), ["hl7", "astm"], bidirectional=True)
    b.flow(z("voice"), z("servers"), ["sip"], bidirectional=True)
    b.flow(z("building"), z("servers"), ["bacnet", "https"], bidirectional=True)
    b.flow(z("mgmt"), z("servers"), ["snmp", "ssh"])
    b.flow(z("clinical"), INTERNET_ZONE, ["https"], why=_t("Navigation via le proxy du GHT.", "Browsing through the GHT proxy."))
    b.flow(z("admin"), INTERNET_ZONE, ["https"], why=_t("Navigation via le proxy du GHT.", "Browsing through the GHT proxy."))
    b.flow(DMZ_ZONE, z("biomed"), ["rdp", "vnc"], why=_t("Télémaintenance des fournisseurs biomédicaux.", "Biomedical vendors' remote maintenance."))
    b.flow(DMZ_ZONE, z("imaging"), ["rdp", "vnc"])
    if not support:
        b.flow(z("clinical"), "s01-net-servers", ["https", "smb", "dicom"],
               why=_t("Consultations avancées et avis spécialisés au site support.", "Outreach clinics and specialist advice at the support site."))
        b.flow(z("imaging"), "s01-net-imaging", ["dicom"], bidirectional=True,
               why=_t("Téléradiologie entre sites.", "Teleradiology between sites."))


def _site_functions(b: _Builder, rng: random.Random, site: dict, surgery: bool, icu: bool, maternity: bool) -> None:
    """Care activities with arrivals scaled by beds, capacity ~1.5x demand, paper fallbacks of a real CH."""
    sid, beds, town = site["id"], site["beds"], site["town"]

    def jitter(x: float) -> float:
        return round(x * rng.uniform(0.85, 1.15), 1)

    def fn(suffix: str, fr: str, en: str, unit: str, per_bed: float, pattern: str, needs: list[tuple[str, str]],
           degraded: tuple[float, str, float], turnaround: float, minimum: float = 1.0, **extra: Any) -> None:
        arrivals = max(minimum, jitter(per_bed * beds))
        factor, delay, slower = degraded
        mode: dict[str, Any] = {"capacity_factor": factor, "activation_delay": delay}
        if slower > 1.0:
            mode["turnaround_factor"] = slower
        item: dict[str, Any] = {"unit": unit, "arrivals_per_day": arrivals, "pattern": pattern,
                                "capacity_per_hour": _capacity(arrivals, pattern)}
        item.update(extra)
        item["needs"] = [{"service": s, "strength": st} for s, st in needs]
        item["degraded_mode"] = mode
        item["turnaround_minutes"] = turnaround
        item["site"] = sid
        b.function(f"{sid}-{suffix}", _t(f"{fr} — {town}", f"{en} — {town}"), **item)

    ws = f"{sid}-clinical-desktop"
    fn("emergency", "Urgences", "Emergency department", "patients", 0.22, "emergency",
       [("ehr", "hard"), ("adt", "hard"), (ws, "hard"), ("lis", "soft"), ("pacs", "soft"), (f"{sid}-telephony", "soft"),
        (f"{sid}-printing", "soft")], (0.6, "30m", 1.5), 240, minimum=10, diversion_possible=True, soft_loss_factor=0.85)
    if surgery:
        steri = [(f"{sid}-sterilisation-tracking", "hard")]
        fn("surgery", "Bloc opératoire", "Surgery", "procedures", 0.06, "business-hours",
           [("ehr", "hard"), (ws, "hard"), (f"{sid}-anaesthesia", "soft"), (f"{sid}-or-management", "soft"), ("lis", "soft"),
            ("pacs", "soft")] + steri, (0.4, "2h", 1.3), 120, minimum=4, elective=True)
        fn("sterilisation", "Stérilisation", "Sterilisation", "sets", 0.25, "business-hours",
           [(f"{sid}-sterilisation-tracking", "hard")], (0.3, "4h", 1.5), 360, minimum=10)
    if icu:
        fn("icu", "Réanimation", "Intensive care", "patients", 0.008, "flat",
           [(f"{sid}-icu-monitoring", "hard"), ("ehr", "soft"), ("lis", "soft"), (f"{sid}-infusion", "soft")],
           (0.7, "30m", 1.2), 720, minimum=1, diversion_possible=True, soft_loss_factor=0.9)
    if maternity:
        fn("maternity", "Maternité", "Maternity", "births", 0.012, "flat",
           [("ehr", "soft"), (ws, "soft"), ("lis", "soft"), (f"{sid}-fetal-monitoring", "hard")],
           (0.7, "30m", 1.2), 480, minimum=1, diversion_possible=True)
    fn("laboratory", "Laboratoire de biologie", "Laboratory", "tests", 4.5, "flat",
       [("lis", "hard"), (f"{sid}-lab-analyzers", "hard"), ("ehr", "soft"), (ws, "soft")], (0.5, "1h", 1.62), 60, minimum=50)
    fn("imaging", "Imagerie médicale", "Medical imaging", "exams", 0.45, "business-hours",
       [(f"{sid}-modalities", "hard"), ("pacs", "soft"), (f"{sid}-pacs-cache", "soft"), ("ris", "soft"), ("ehr", "soft")],
       (0.5, "1h", 1.5), 90, minimum=5, elective=True)
    fn("inpatient-wards", "Services d'hospitalisation", "Inpatient wards", "patients", 0.17, "flat",
       [("ehr", "hard"), (ws, "hard"), ("pharmacy-system", "soft"), (f"{sid}-infusion", "soft"), ("lis", "soft"),
        (f"{sid}-printing", "soft"), (f"{sid}-nurse-call", "soft")], (0.75, "1h", 1.3), 1440, minimum=3)
    fn("outpatients", "Consultations externes", "Outpatient clinics", "patients", 0.9, "business-hours",
       [("ehr", "hard"), ("adt", "hard"), (ws, "hard"), (f"{sid}-office-desktop", "soft"), (f"{sid}-telephony", "soft")],
       (0.3, "2h", 1.5), 45,
       minimum=10, elective=True)
    fn("pharmacy", "Pharmacie à usage intérieur", "Hospital pharmacy", "doses", 2.0, "business-hours",
       [("pharmacy-system", "hard"), ("ehr", "soft"), (f"{sid}-dispensing", "soft")], (0.5, "1h", 1.5), 120, minimum=20)
    if site["role"] == "support":
        fn("oncology", "Oncologie (chimiothérapie)", "Oncology (chemotherapy)", "sessions", 0.04, "business-hours",
           [("chemo", "hard"), ("ehr", "hard"), ("pharmacy-system", "soft")], (0.3, "4h", 1.5), 240, minimum=5, elective=True)
        fn("dialysis", "Hémodialyse", "Haemodialysis", "sessions", 0.03, "business-hours",
           [("ehr", "soft"), (ws, "soft")], (0.8, "30m", 1.2), 240, minimum=4, elective=True)


def _ght_flows(b: _Builder, site_ids: list[str]) -> None:
    """Site-to-site flows over the GHT network (MPLS): local servers reach each other."""
    for i, a in enumerate(site_ids):
        for c in site_ids[i + 1:]:
            b.flow(f"{a}-net-servers", f"{c}-net-servers", ["smb", "https", "dicom", "rdp"], bidirectional=True,
                   why=_t("Réseau GHT entre sites.", "GHT network between sites."))


def generate_network(sites: int, beds: int, seed: int) -> dict:
    """Plain data of a GHT network file: a shared datacenter and `sites` hospitals sharing `beds`."""
    _check_parameters(sites, beds, seed)
    rng = random.Random(seed)
    split = _split_beds(rng, sites, beds)
    towns = rng.sample(_TOWNS, k=min(sites, len(_TOWNS)))
    fr_territory, en_territory = rng.choice(_TERRITORIES)
    site_list = []
    for i in range(sites):
        town = towns[i] if i < len(towns) else f"{towns[i % len(towns)]} {i // len(towns) + 1}"
        role = "support" if i == 0 else "member"
        kind = "CH" if role == "support" or split[i] >= 150 else "Hôpital de proximité"
        site_list.append({"id": f"s{i + 1:02d}", "town": town, "beds": split[i], "role": role, "name": f"{kind} de {town}"})

    b = _Builder()
    _shared(b, beds)
    for site in site_list:
        _site(b, rng, site)
    _ght_flows(b, [s["id"] for s in site_list])

    staff = _it_staff(beds, sites)
    params = f"sites={sites}, beds={beds}, seed={seed}"
    network = {
        "id": "ght-generated",
        "name": _t(f"GHT {fr_territory}", f"GHT {en_territory}"),
        "description": _t(
            f"Réseau généré ({params}) : SI convergent commun (décret 2016-524), DSI commune, "
            f"datacenter au {site_list[0]['name']}.",
            f"Generated network ({params}): one convergent IS (décret 2016-524), a common IT department, "
            f"datacenter at {site_list[0]['name']}.",
        ),
        "beds": beds,
        "sites": [{"id": s["id"], "name": s["name"], "beds": s["beds"], "role": s["role"]} for s in site_list],
        "zones": b.zones,
        "flows": b.flows,
        "assets": b.assets,
        "services": b.services,
        "clinical_functions": b.functions,
        "it_staff": staff,
        "controls": {
            "edr_coverage": round(rng.uniform(0.4, 0.7), 2),
            "av_blocking": True,
            "mfa_remote_access": True,
            "mfa_privileged": False,
            "siem_hours": "business-hours",
            "tiered_admin": False,
            "email_filtering": True,
        },
    }
    return {"network": network}


def _it_staff(beds: int, sites: int) -> dict:
    """A common DSI: roughly one technician per 80 beds by day, thin on-call at night and weekends."""
    day = max(3, round(beds / 80))
    return {
        "weekday_day": day,
        "weekday_night": max(1, round(sites / 4)),
        "weekend_day": max(1, round(day / 8)),
        "weekend_night": max(1, round(sites / 6)),
        "day_start_hour": 8,
        "day_end_hour": 18,
        "recall_delay": "2h",
        "recall_total": max(day, round(day * 1.3)),
    }


def schema_reference(path: str | os.PathLike) -> str:
    """Relative path to schemas/network.schema.json when `path` lies in a checkout, else the public URL."""
    folder = Path(os.path.abspath(path)).parent
    for candidate in (folder, *folder.parents):
        schemas = candidate / "schemas"
        if schemas.is_dir() and any((candidate / marker).exists() for marker in (".git", "pyproject.toml", "simulator")):
            return Path(os.path.relpath(schemas / "network.schema.json", folder)).as_posix()
    return SCHEMA_URL


def render_network(data: dict, path: str | os.PathLike) -> str:
    """The text of the file: schema line, provenance comment, then the YAML."""
    body = data.get("network", {}) if isinstance(data, dict) else {}
    described = (body.get("description") or {}) if isinstance(body, dict) else {}
    text = described.get("en", "") if isinstance(described, dict) else str(described)
    found = PARAMS_RE.search(text or "")
    if found:
        how = f"cyberdrill network generate --sites {found.group(1)} --beds {found.group(2)} --seed {found.group(3)}"
    else:
        how = "the CyberDrill network generator"
    header = (
        f"# yaml-language-server: $schema={schema_reference(path)}\n"
        f"# Generated by {how}.\n"
        "# Regenerate rather than edit by hand: the same parameters give the same file.\n"
    )
    return header + yaml.safe_dump(_fresh(data), sort_keys=False, allow_unicode=True, width=120)


def _fresh(value: Any) -> Any:
    """A copy with no shared containers: safe_dump would write shared ones as anchors and aliases,
    which the loader limits (alias bombs) and readers find confusing."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_fresh(v) for v in value]
    return value


def write_network(data: dict, path: str | os.PathLike) -> None:
    """Write whole or not at all (simulator.fileio.write_atomic: the replaced file's mode, or a plain open()'s)."""
    target = Path(path)
    text = render_network(data, target)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise InputError([Diagnostic(str(target), 1, 1, "error", one_line(f"cannot write: {exc.strerror or exc}"))]) from None
