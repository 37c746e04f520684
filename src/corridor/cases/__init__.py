"""Cases: what was screened, decided and changed, and the audit log that proves it."""
