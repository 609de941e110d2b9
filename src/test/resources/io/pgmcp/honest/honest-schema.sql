-- The honest corpus's database: a small shop with the shapes analysts meet (hierarchies, jsonb,
-- arrays, full text, enums, time series, one large table). Deterministic data (no random()), dated
-- around 2026 so date filters in the corpus select known ranges. Loaded once per test database.
CREATE TYPE customer_tier AS ENUM ('free', 'silver', 'gold', 'platinum');
CREATE TYPE ticket_state AS ENUM ('open', 'pending', 'closed');

CREATE TABLE regions (
    id           serial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    country_code char(2) NOT NULL
);
COMMENT ON TABLE regions IS 'Sales regions';

CREATE TABLE customers (
    id               serial PRIMARY KEY,
    email            text NOT NULL UNIQUE,
    full_name        text NOT NULL,
    region_id        integer REFERENCES regions(id),
    tier             customer_tier NOT NULL DEFAULT 'free',
    created_at       timestamptz NOT NULL,
    birth_date       date,
    marketing_opt_in boolean NOT NULL DEFAULT false,
    attributes       jsonb NOT NULL DEFAULT '{}',
    password_hash    text NOT NULL
);
COMMENT ON TABLE customers IS 'People who bought or registered';
COMMENT ON COLUMN customers.attributes IS 'Free-form profile: {"plan":..., "interests":[...], "address":{"city":...}}';

CREATE TABLE categories (
    id        serial PRIMARY KEY,
    parent_id integer REFERENCES categories(id),
    name      text NOT NULL
);

CREATE TABLE products (
    id           serial PRIMARY KEY,
    sku          text NOT NULL UNIQUE,
    name         text NOT NULL,
    category_id  integer NOT NULL REFERENCES categories(id),
    price        numeric(10,2) NOT NULL,
    cost         numeric(10,2) NOT NULL,
    tags         text[] NOT NULL DEFAULT '{}',
    launched_on  date NOT NULL,
    discontinued boolean NOT NULL DEFAULT false,
    description  text,
    weight_grams integer,
    search       tsvector GENERATED ALWAYS AS (to_tsvector('english', name || ' ' || coalesce(description, ''))) STORED
);
CREATE INDEX products_search_idx ON products USING gin (search);
CREATE INDEX products_tags_idx ON products USING gin (tags);

CREATE TABLE orders (
    id          serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers(id),
    status      text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    ordered_at  timestamptz NOT NULL,
    shipped_at  timestamptz,
    total       numeric(12,2) NOT NULL,
    currency    char(3) NOT NULL DEFAULT 'EUR',
    channel     text NOT NULL,
    coupon_code text,
    metadata    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE INDEX orders_ordered_at_idx ON orders (ordered_at);

CREATE TABLE order_items (
    order_id   integer NOT NULL REFERENCES orders(id),
    product_id integer NOT NULL REFERENCES products(id),
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(10,2) NOT NULL,
    discount   numeric(4,3) NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, product_id)
);
CREATE INDEX order_items_product_idx ON order_items (product_id);

CREATE TABLE payments (
    id       serial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders(id),
    amount   numeric(12,2) NOT NULL,
    method   text NOT NULL,
    paid_at  timestamptz NOT NULL,
    refunded boolean NOT NULL DEFAULT false
);
CREATE INDEX payments_order_idx ON payments (order_id);

CREATE TABLE employees (
    id         serial PRIMARY KEY,
    manager_id integer REFERENCES employees(id),
    name       text NOT NULL,
    title      text NOT NULL,
    department text NOT NULL,
    hired_on   date NOT NULL,
    salary     numeric(10,2) NOT NULL
);

CREATE TABLE support_tickets (
    id          serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers(id),
    order_id    integer REFERENCES orders(id),
    state       ticket_state NOT NULL,
    priority    smallint NOT NULL,
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    subject     text NOT NULL,
    body        text NOT NULL,
    labels      text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE inventory_snapshots (
    product_id    integer NOT NULL REFERENCES products(id),
    snapshot_date date NOT NULL,
    on_hand       integer NOT NULL,
    PRIMARY KEY (product_id, snapshot_date)
);

CREATE TABLE exchange_rates (
    currency char(3) NOT NULL,
    day      date NOT NULL,
    rate     numeric(12,6) NOT NULL,
    PRIMARY KEY (currency, day)
);

-- the one large table: the cost policy applies (indexed filters and LIMITs answer)
CREATE TABLE page_views (
    id          bigserial PRIMARY KEY,
    customer_id integer REFERENCES customers(id),
    url         text NOT NULL,
    viewed_at   timestamptz NOT NULL,
    duration_ms integer NOT NULL,
    referrer    text,
    device      text NOT NULL
);
CREATE INDEX page_views_viewed_at_idx ON page_views (viewed_at);
CREATE INDEX page_views_customer_idx ON page_views (customer_id);

INSERT INTO regions (name, country_code) VALUES
    ('North', 'DE'), ('South', 'IT'), ('West', 'FR'), ('East', 'PL'), ('Islands', 'GR');

INSERT INTO customers (email, full_name, region_id, tier, created_at, birth_date, marketing_opt_in, attributes, password_hash)
SELECT 'user' || g || '@example.com',
       (ARRAY['Ada','Brian','Chen','Dana','Elif','Farid','Greta','Hiro'])[1 + g % 8] || ' ' ||
       (ARRAY['Lovelace','Kernighan','Wu','Scully','Shafak','Zakaria','Thunberg','Tanaka','Okafor'])[1 + g % 9],
       CASE WHEN g % 17 = 0 THEN NULL ELSE 1 + g % 5 END,
       (ARRAY['free','silver','gold','platinum'])[1 + (g * 7) % 4]::customer_tier,
       timestamptz '2025-01-01 00:00:00+00' + (g * interval '9 hours'),
       CASE WHEN g % 11 = 0 THEN NULL ELSE date '1960-01-01' + (g * 37) % 16000 END,
       g % 3 = 0,
       jsonb_build_object('plan', (ARRAY['basic','pro','team'])[1 + g % 3],
                          'interests', CASE g % 3 WHEN 0 THEN jsonb_build_array('books', 'games') WHEN 1 THEN jsonb_build_array('music', 'books') ELSE jsonb_build_array('sports', 'travel') END,
                          'address', jsonb_build_object('city', (ARRAY['Berlin','Rome','Paris','Warsaw','Athens'])[1 + g % 5], 'zip', lpad((g * 97 % 99999)::text, 5, '0')),
                          'newsletter', g % 2 = 0),
       md5('secret' || g)
FROM generate_series(1, 1200) g;

INSERT INTO categories (parent_id, name) VALUES
    (NULL, 'All'), (1, 'Electronics'), (1, 'Home'), (1, 'Outdoor'),
    (2, 'Phones'), (2, 'Laptops'), (2, 'Audio'), (3, 'Kitchen'), (3, 'Furniture'),
    (4, 'Camping'), (4, 'Cycling'), (7, 'Headphones'), (7, 'Speakers'), (8, 'Coffee');

INSERT INTO products (sku, name, category_id, price, cost, tags, launched_on, discontinued, description, weight_grams)
SELECT 'SKU-' || lpad(g::text, 4, '0'),
       (ARRAY['Smart','Classic','Ultra','Eco','Pro','Mini'])[1 + g % 6] || ' ' ||
       (ARRAY['Phone','Laptop','Headset','Speaker','Kettle','Chair','Tent','Bike','Grinder','Lamp'])[1 + g % 10] || ' ' || g,
       5 + g % 10,
       round((9.99 + (g * 13.37) % 990)::numeric, 2),
       round((4.50 + (g * 7.31) % 500)::numeric, 2),
       CASE g % 4 WHEN 0 THEN ARRAY['new','sale'] WHEN 1 THEN ARRAY['bestseller','eco'] WHEN 2 THEN ARRAY['sale','refurbished'] ELSE ARRAY['eco','new'] END,
       date '2022-01-01' + (g * 5),
       g % 13 = 0,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'A ' || (ARRAY['wireless','durable','compact','quiet','waterproof'])[1 + g % 5]
            || ' product for ' || (ARRAY['home','travel','office','outdoor adventures','coffee lovers'])[1 + g % 5] END,
       CASE WHEN g % 9 = 0 THEN NULL ELSE 100 + (g * 53) % 5000 END
FROM generate_series(1, 300) g;

INSERT INTO orders (customer_id, status, ordered_at, shipped_at, total, currency, channel, coupon_code, metadata)
SELECT 1 + (g * 7) % 1200,
       (ARRAY['pending','paid','shipped','delivered','delivered','delivered','cancelled','refunded'])[1 + g % 8],
       timestamptz '2025-06-01 08:00:00+00' + (g * interval '97 minutes'),
       CASE WHEN g % 8 BETWEEN 2 AND 5 THEN timestamptz '2025-06-01 08:00:00+00' + (g * interval '97 minutes') + ((1 + g % 5) * interval '1 day') END,
       0,
       (ARRAY['EUR','EUR','EUR','USD','GBP'])[1 + g % 5],
       (ARRAY['web','app','store','phone'])[1 + g % 4],
       CASE WHEN g % 10 = 0 THEN 'SPRING' || (g % 3) END,
       jsonb_build_object('gift', g % 6 = 0, 'source', (ARRAY['ads','organic','email'])[1 + g % 3], 'items_hint', 1 + g % 4)
FROM generate_series(1, 4000) g;

INSERT INTO order_items (order_id, product_id, quantity, unit_price, discount)
SELECT o.id, 1 + ((o.id * 31 + k * 17) % 300), 1 + (o.id + k) % 4,
       p.price, CASE WHEN (o.id + k) % 5 = 0 THEN 0.1 ELSE 0 END
FROM orders o
CROSS JOIN generate_series(0, 2) k
JOIN products p ON p.id = 1 + ((o.id * 31 + k * 17) % 300)
WHERE k < 1 + o.id % 3;

UPDATE orders o SET total = s.total
FROM (SELECT order_id, sum(quantity * unit_price * (1 - discount))::numeric(12,2) AS total FROM order_items GROUP BY order_id) s
WHERE s.order_id = o.id;

INSERT INTO payments (order_id, amount, method, paid_at, refunded)
SELECT id, total, (ARRAY['card','paypal','invoice','card'])[1 + id % 4], ordered_at + interval '5 minutes', status = 'refunded'
FROM orders WHERE status <> 'pending' AND status <> 'cancelled';

INSERT INTO employees (manager_id, name, title, department, hired_on, salary) VALUES
    (NULL, 'Mara Quinn', 'CEO', 'Executive', '2015-03-01', 250000),
    (1, 'Tomas Berg', 'CTO', 'Engineering', '2016-05-10', 190000),
    (1, 'Ines Duarte', 'CFO', 'Finance', '2017-01-15', 185000),
    (1, 'Kofi Mensah', 'VP Sales', 'Sales', '2018-09-01', 170000),
    (2, 'Lena Vogel', 'Engineering Manager', 'Engineering', '2019-02-01', 140000),
    (2, 'Raj Patel', 'Staff Engineer', 'Engineering', '2019-06-17', 135000),
    (5, 'Sven Ek', 'Engineer', 'Engineering', '2021-04-12', 98000),
    (5, 'Yuki Sato', 'Engineer', 'Engineering', '2022-08-01', 95000),
    (5, 'Omar Haddad', 'Engineer', 'Engineering', '2023-01-09', 91000),
    (3, 'Clara Diaz', 'Accountant', 'Finance', '2020-11-30', 72000),
    (4, 'Piotr Nowak', 'Account Executive', 'Sales', '2021-07-19', 80000),
    (4, 'Amara Obi', 'Account Executive', 'Sales', '2022-03-03', 78000),
    (11, 'Jonas Lind', 'Sales Associate', 'Sales', '2024-05-20', 52000);

INSERT INTO support_tickets (customer_id, order_id, state, priority, opened_at, closed_at, subject, body, labels)
SELECT 1 + (g * 13) % 1200,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + (g * 11) % 4000 END,
       (ARRAY['open','pending','closed','closed'])[1 + g % 4]::ticket_state,
       1 + g % 4,
       timestamptz '2025-07-01 09:00:00+00' + (g * interval '11 hours'),
       CASE WHEN g % 4 >= 2 THEN timestamptz '2025-07-01 09:00:00+00' + (g * interval '11 hours') + ((2 + g % 30) * interval '1 hour') END,
       (ARRAY['Late delivery','Broken item','Refund request','Login problem','Invoice question'])[1 + g % 5],
       'Customer reports: ' || (ARRAY['the package arrived late and damaged','cannot log in after password reset',
                                       'wants a refund for a broken kettle','invoice shows the wrong address',
                                       'delivery never arrived'])[1 + g % 5],
       CASE g % 4 WHEN 0 THEN ARRAY['shipping','urgent'] WHEN 1 THEN ARRAY['account','login'] WHEN 2 THEN ARRAY['refund','billing'] ELSE ARRAY['billing','invoice'] END
FROM generate_series(1, 800) g;

INSERT INTO inventory_snapshots (product_id, snapshot_date, on_hand)
SELECT p, date '2026-01-01' + d, greatest(0, 200 - (p * 3 + d * 7) % 230)
FROM generate_series(1, 300) p CROSS JOIN generate_series(0, 29) d;

INSERT INTO exchange_rates (currency, day, rate)
SELECT c, date '2025-06-01' + d,
       CASE c WHEN 'USD' THEN 1.08 + (d % 10) / 1000.0 WHEN 'GBP' THEN 0.85 + (d % 7) / 1000.0 ELSE 1 END
FROM unnest(ARRAY['EUR','USD','GBP']) c CROSS JOIN generate_series(0, 400) d;

INSERT INTO page_views (customer_id, url, viewed_at, duration_ms, referrer, device)
SELECT CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + (g * 19) % 1200 END,
       '/' || (ARRAY['home','products','products/' || (1 + g % 300),'cart','checkout','help','blog/post-' || (g % 40)])[1 + g % 7],
       timestamptz '2026-01-01 00:00:00+00' + (g * interval '61 seconds'),
       100 + (g * 37) % 60000,
       (ARRAY[NULL,'https://search.example/q','https://social.example/p','https://news.example/a'])[1 + g % 4],
       (ARRAY['desktop','mobile','tablet'])[1 + g % 3]
FROM generate_series(1, 40000) g;

CREATE VIEW customer_order_totals AS
SELECT c.id AS customer_id, c.full_name, count(o.id) AS order_count, coalesce(sum(o.total), 0) AS lifetime_value
FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded')
GROUP BY c.id, c.full_name;

CREATE MATERIALIZED VIEW monthly_revenue AS
SELECT date_trunc('month', ordered_at) AS month, currency, sum(total) AS revenue, count(*) AS orders
FROM orders WHERE status NOT IN ('cancelled', 'refunded')
GROUP BY 1, 2;

-- a schema the policy does not allow
CREATE SCHEMA internal;
CREATE TABLE internal.api_keys (id serial PRIMARY KEY, key text NOT NULL);

ANALYZE;
