"""After-action reports (HSEEP AAR/IP, ANSSI RETEX) and timeline exports, computed from a journal."""
