-- The payments table's channel is one of lk_domain::PaymentSource: the demo data's legacy
-- `cash` is the company's cash desk.
UPDATE payments SET channel = 'cash_desk' WHERE channel = 'cash';
