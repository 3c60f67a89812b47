-- Issue 16: shipments from the facility to a clinic (packed with scanned vials, shipper, data
-- logger; dispatched; received with the condition on arrival), the logger's series, an excursion
-- and QA's decision; and each vial's membership in a shipment (found by vial without a scan).

CREATE TABLE shipment (
    id TEXT NOT NULL PRIMARY KEY,
    from_site TEXT NOT NULL REFERENCES site (id),
    to_site TEXT NOT NULL REFERENCES site (id),
    vials TEXT NOT NULL,
    shipper TEXT NOT NULL CHECK (shipper IN ('dry_ice', 'ln2_dry_shipper', 'frozen')),
    logger_id TEXT NOT NULL,
    limit_c DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('packed', 'dispatched', 'received', 'quarantined', 'released', 'rejected')),
    packed_at TEXT NOT NULL,
    packed_by TEXT NOT NULL REFERENCES app_user (id),
    dispatched_at TEXT,
    dispatched_by TEXT REFERENCES app_user (id),
    received_at TEXT,
    received_by TEXT REFERENCES app_user (id),
    condition TEXT CHECK (condition IN ('intact', 'coolant_depleted', 'damaged')),
    log_file TEXT,
    log_readings TEXT,
    excursion TEXT,
    decided_at TEXT,
    decided_by TEXT REFERENCES app_user (id),
    decision_reason TEXT
);
CREATE INDEX shipment_status ON shipment (status);
CREATE INDEX shipment_to_site ON shipment (to_site);

CREATE TABLE shipment_item (
    id TEXT NOT NULL PRIMARY KEY,
    shipment TEXT NOT NULL REFERENCES shipment (id),
    vial TEXT NOT NULL REFERENCES vial (id),
    packed_at TEXT NOT NULL
);
CREATE INDEX shipment_item_vial ON shipment_item (vial);
CREATE INDEX shipment_item_shipment ON shipment_item (shipment);
