insert into products (name, price, stock) values
    ('Espresso beans, 1 kg', 24.90, 120),
    ('Pour-over kettle',     39.00,  40),
    ('Burr grinder',        129.00,  25),
    ('Ceramic cup',           9.50, 300),
    ('Paper filters, 100',    4.20, 500);
