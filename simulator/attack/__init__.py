"""MITRE ATT&CK views of a scenario: the Navigator layer of its threat (`simulator.attack.layer`)."""
