DROP TABLE tax_document_numbers;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account_statement_id_fkey;
DROP TABLE account_statements;
ALTER TABLE order_sheet_receipts
    DROP COLUMN previous_balance,
    DROP COLUMN payments_today,
    DROP COLUMN balance;
DROP TABLE ledger_entries;
DROP FUNCTION ledger_entries_append_only();
DROP TABLE ledger_accounts;
