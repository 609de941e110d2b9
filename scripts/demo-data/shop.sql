-- The demo's sample database: a small shop with sensitive columns and one large table.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

CREATE TABLE customers (
    id            serial PRIMARY KEY,
    name          text NOT NULL,
    email         text NOT NULL UNIQUE,
    country       text NOT NULL,
    password_hash text NOT NULL,
    ssn           text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE customers IS 'People who bought something';
COMMENT ON COLUMN customers.country IS 'ISO 3166 alpha-2 code';

CREATE TABLE products (
    id       serial PRIMARY KEY,
    name     text NOT NULL,
    category text NOT NULL,
    price    numeric(10,2) NOT NULL
);

CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers(id),
    product_id  int NOT NULL REFERENCES products(id),
    quantity    int NOT NULL,
    status      order_status NOT NULL,
    ordered_at  timestamptz NOT NULL
);
COMMENT ON TABLE orders IS 'One row per order line; large';
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_ordered_at_idx ON orders (ordered_at);

CREATE TABLE api_keys (customer_id int REFERENCES customers(id), secret text);

INSERT INTO customers (name, email, country, password_hash, ssn, created_at)
SELECT 'Customer ' || g, 'customer' || g || '@example.com',
       (ARRAY['DE','FR','US','GB','JP','BR','IN','CN'])[1 + g % 8],
       md5('pw' || g), lpad((g * 7919 % 1000000000)::text, 9, '0'),
       timestamptz '2024-01-01' + (g % 700) * interval '1 day'
FROM generate_series(1, 5000) g;

INSERT INTO products (name, category, price)
SELECT 'Product ' || g, (ARRAY['books','games','tools','garden','kitchen'])[1 + g % 5], round((5 + (g * 37 % 500))::numeric, 2)
FROM generate_series(1, 200) g;

INSERT INTO orders (customer_id, product_id, quantity, status, ordered_at)
SELECT 1 + (g * 31 % 5000), 1 + (g * 17 % 200), 1 + g % 4,
       (ARRAY['pending','paid','shipped','cancelled']::order_status[])[1 + g % 4],
       timestamptz '2024-01-01' + (g % 600) * interval '1 day' + (g % 86400) * interval '1 second'
FROM generate_series(1, 250000) g;

INSERT INTO api_keys SELECT id, 'sk_live_' || md5(id::text) FROM customers;
ANALYZE;
