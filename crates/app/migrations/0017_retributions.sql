-- izinkes schema, version 17: retribusi (issue 16).
--
-- One SKRD per application whose service standard has a fee, issued when the file is through
-- the desks (with its permit number); the permit is signed once it is paid. A payment is
-- confirmed by the cashier by hand or by the payment gateway's signed callback; its reference is
-- unique, so a repeated callback changes nothing.
CREATE TABLE retributions (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  application_id TEXT NOT NULL UNIQUE REFERENCES applications(id),
  number TEXT NOT NULL UNIQUE,
  amount INTEGER NOT NULL,
  legal_basis TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  paid_at TEXT,
  paid_amount INTEGER,
  payment_reference TEXT UNIQUE,
  payment_channel TEXT,
  confirmed_by TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX retributions_office ON retributions (office_id, paid_at);
