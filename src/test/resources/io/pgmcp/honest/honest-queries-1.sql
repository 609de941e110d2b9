-- The honest corpus, part 1: queries analysts and assistants write every day, over honest-schema.sql.
-- Every case must be answered (rows come back) under honest-policy.yaml. A case starts with a line
-- "-- Hnnn construct: what it asks" and runs until the next case.

-- H001 basic: the ten most expensive products
SELECT id, name, price FROM products ORDER BY price DESC LIMIT 10
-- H002 basic: products in a price band
SELECT sku, name, price FROM products WHERE price BETWEEN 100 AND 200 ORDER BY price
-- H003 basic: discontinued products
SELECT id, name FROM products WHERE discontinued ORDER BY id
-- H004 basic: customers without a region
SELECT id, full_name FROM customers WHERE region_id IS NULL ORDER BY id LIMIT 20
-- H005 basic: order count
SELECT count(*) AS orders FROM orders
-- H006 basic: distinct channels
SELECT DISTINCT channel FROM orders ORDER BY channel
-- H007 basic: status breakdown
SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC
-- H008 basic: average order value per currency
SELECT currency, round(avg(total), 2) AS avg_total FROM orders GROUP BY currency ORDER BY currency
-- H009 basic: HAVING
SELECT customer_id, count(*) AS orders FROM orders GROUP BY customer_id HAVING count(*) >= 5 ORDER BY orders DESC, customer_id LIMIT 20
-- H010 basic: IN list
SELECT id, status, total FROM orders WHERE status IN ('refunded', 'cancelled') ORDER BY id LIMIT 25
-- H011 basic: NOT IN list
SELECT id, name FROM categories WHERE id NOT IN (1, 2, 3) ORDER BY name
-- H012 basic: OFFSET paging
SELECT id, email FROM customers ORDER BY id LIMIT 10 OFFSET 40
-- H013 basic: quoted identifiers
SELECT "id", "full_name" AS "Customer Name" FROM "customers" ORDER BY "id" LIMIT 5
-- H014 basic: schema-qualified
SELECT p.id, p.name FROM public.products p WHERE p.weight_grams IS NOT NULL ORDER BY p.weight_grams DESC LIMIT 5
-- H015 basic: ORDER BY ordinal and NULLS LAST
SELECT id, shipped_at FROM orders ORDER BY 2 DESC NULLS LAST, 1 LIMIT 10
-- H016 basic: boolean logic
SELECT count(*) FROM customers WHERE marketing_opt_in AND (tier = 'gold' OR tier = 'platinum')
-- H017 basic: min and max
SELECT min(price) AS cheapest, max(price) AS dearest, max(price) - min(price) AS spread FROM products
-- H018 basic: arithmetic margin
SELECT name, price, cost, price - cost AS margin, round(100 * (price - cost) / price, 1) AS margin_pct FROM products ORDER BY margin DESC LIMIT 10
-- H019 basic: enum comparison
SELECT tier, count(*) FROM customers WHERE tier >= 'gold' GROUP BY tier ORDER BY tier
-- H020 basic: count distinct
SELECT count(DISTINCT customer_id) AS buyers, count(*) AS orders FROM orders WHERE status = 'delivered'
-- H021 basic: view
SELECT customer_id, full_name, lifetime_value FROM customer_order_totals ORDER BY lifetime_value DESC LIMIT 10
-- H022 basic: materialized view
SELECT month, currency, revenue FROM monthly_revenue ORDER BY month, currency
-- H023 basic: IS DISTINCT FROM
SELECT count(*) FROM orders WHERE coupon_code IS DISTINCT FROM 'SPRING1'
-- H024 basic: BETWEEN SYMMETRIC
SELECT count(*) FROM products WHERE price BETWEEN SYMMETRIC 500 AND 100
-- H025 basic: expression in ORDER BY
SELECT id, name FROM products ORDER BY length(name) DESC, id LIMIT 5

-- H026 join: orders with customer names
SELECT o.id, c.full_name, o.total FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.total DESC LIMIT 10
-- H027 join: revenue by region
SELECT r.name AS region, sum(o.total) AS revenue FROM orders o JOIN customers c ON c.id = o.customer_id JOIN regions r ON r.id = c.region_id WHERE o.status = 'delivered' GROUP BY r.name ORDER BY revenue DESC
-- H028 join: left join to find customers without orders
SELECT c.id, c.full_name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL ORDER BY c.id LIMIT 20
-- H029 join: best-selling products
SELECT p.name, sum(oi.quantity) AS units FROM order_items oi JOIN products p ON p.id = oi.product_id GROUP BY p.name ORDER BY units DESC LIMIT 10
-- H030 join: category revenue
SELECT cat.name AS category, sum(oi.quantity * oi.unit_price) AS revenue FROM order_items oi JOIN products p ON p.id = oi.product_id JOIN categories cat ON cat.id = p.category_id GROUP BY cat.name ORDER BY revenue DESC
-- H031 join: self join employees to managers
SELECT e.name AS employee, m.name AS manager FROM employees e LEFT JOIN employees m ON m.id = e.manager_id ORDER BY e.id
-- H032 join: full outer join
SELECT coalesce(a.currency, b.currency) AS currency, a.orders, b.payments FROM (SELECT currency, count(*) AS orders FROM orders GROUP BY currency) a FULL OUTER JOIN (SELECT o.currency, count(*) AS payments FROM payments p JOIN orders o ON o.id = p.order_id GROUP BY o.currency) b ON a.currency = b.currency ORDER BY 1
-- H033 join: right join
SELECT r.name, count(c.id) AS customers FROM customers c RIGHT JOIN regions r ON r.id = c.region_id GROUP BY r.name ORDER BY r.name
-- H034 join: cross join for a matrix
SELECT r.name AS region, ch.channel FROM regions r CROSS JOIN (SELECT DISTINCT channel FROM orders) ch ORDER BY 1, 2
-- H035 join: USING
SELECT order_id, o.status, sum(oi.quantity) AS units FROM order_items oi JOIN payments p USING (order_id) JOIN orders o ON o.id = order_id GROUP BY order_id, o.status ORDER BY units DESC, order_id LIMIT 10
-- H036 join: join on expression
SELECT o.id, o.total, x.rate, round(o.total / x.rate, 2) AS total_eur FROM orders o JOIN exchange_rates x ON x.currency = o.currency AND x.day = o.ordered_at::date WHERE o.currency <> 'EUR' ORDER BY o.id LIMIT 10
-- H037 join: non-equi join (price tiers)
SELECT t.label, count(p.id) FROM (VALUES ('budget', 0, 100), ('mid', 100, 500), ('premium', 500, 100000)) AS t(label, lo, hi) LEFT JOIN products p ON p.price >= t.lo AND p.price < t.hi GROUP BY t.label ORDER BY min(t.lo)
-- H038 join: payments that do not match the order total
SELECT o.id, o.total, p.amount FROM orders o JOIN payments p ON p.order_id = o.id WHERE p.amount <> o.total ORDER BY o.id LIMIT 10
-- H039 join: tickets with their orders
SELECT t.id, t.subject, o.status AS order_status FROM support_tickets t LEFT JOIN orders o ON o.id = t.order_id WHERE t.state = 'open' ORDER BY t.opened_at DESC LIMIT 15
-- H040 join: products never ordered
SELECT p.id, p.name FROM products p WHERE NOT EXISTS (SELECT 1 FROM order_items oi WHERE oi.product_id = p.id) ORDER BY p.id
-- H041 join: four tables
SELECT c.full_name, p.name AS product, oi.quantity, o.ordered_at FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON oi.order_id = o.id JOIN products p ON p.id = oi.product_id WHERE c.id = 42 ORDER BY o.ordered_at
-- H042 join: parenthesised join tree
SELECT o.id, c.email, r.name FROM orders o JOIN (customers c JOIN regions r ON r.id = c.region_id) ON c.id = o.customer_id ORDER BY o.id LIMIT 5
-- H043 join: join to a derived table
SELECT c.full_name, s.orders FROM customers c JOIN (SELECT customer_id, count(*) AS orders FROM orders GROUP BY customer_id) s ON s.customer_id = c.id ORDER BY s.orders DESC, c.id LIMIT 10
-- H044 join: comma join with WHERE
SELECT p.name, cat.name FROM products p, categories cat WHERE cat.id = p.category_id AND p.price > 900 ORDER BY p.price DESC
-- H045 join: semi join with IN subquery
SELECT id, full_name FROM customers WHERE id IN (SELECT customer_id FROM support_tickets WHERE priority = 4) ORDER BY id LIMIT 20
-- H046 join: anti join with NOT IN subquery
SELECT count(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)
-- H047 join: join with OR condition
SELECT DISTINCT t.customer_id FROM support_tickets t JOIN orders o ON o.customer_id = t.customer_id OR o.id = t.order_id WHERE t.priority = 1 ORDER BY 1 LIMIT 10
-- H048 join: inventory on a day
SELECT p.sku, i.on_hand FROM inventory_snapshots i JOIN products p ON p.id = i.product_id WHERE i.snapshot_date = date '2026-01-15' AND i.on_hand = 0 ORDER BY p.sku
-- H049 join: natural join of derived tables
SELECT * FROM (SELECT id AS category_id, name AS category FROM categories) c NATURAL JOIN (SELECT category_id, count(*) AS products FROM products GROUP BY category_id) p ORDER BY category_id
-- H050 join: customers with a payment by card
SELECT DISTINCT c.id, c.full_name FROM customers c JOIN orders o ON o.customer_id = c.id JOIN payments p ON p.order_id = o.id WHERE p.method = 'card' ORDER BY c.id LIMIT 10

-- H051 lateral: latest order per customer
SELECT c.id, c.full_name, last.ordered_at, last.total FROM customers c CROSS JOIN LATERAL (SELECT o.ordered_at, o.total FROM orders o WHERE o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 1) last ORDER BY c.id LIMIT 20
-- H052 lateral: top three products per category
SELECT cat.name, top.name, top.price FROM categories cat JOIN LATERAL (SELECT p.name, p.price FROM products p WHERE p.category_id = cat.id ORDER BY p.price DESC LIMIT 3) top ON true ORDER BY cat.name, top.price DESC
-- H053 lateral: left join lateral keeps empty categories
SELECT cat.name, n.products FROM categories cat LEFT JOIN LATERAL (SELECT count(*) AS products FROM products p WHERE p.category_id = cat.id) n ON true ORDER BY cat.id
-- H054 lateral: unnest tags
SELECT p.id, t.tag FROM products p CROSS JOIN LATERAL unnest(p.tags) AS t(tag) WHERE p.id <= 5 ORDER BY p.id, t.tag
-- H055 lateral: jsonb_array_elements_text
SELECT c.id, i.interest FROM customers c, LATERAL jsonb_array_elements_text(c.attributes -> 'interests') AS i(interest) WHERE c.id < 6 ORDER BY c.id, i.interest
-- H056 lateral: generate_series per row
SELECT o.id, d::date AS day FROM orders o, LATERAL generate_series(o.ordered_at, coalesce(o.shipped_at, o.ordered_at), interval '1 day') d WHERE o.id BETWEEN 3 AND 5 ORDER BY o.id, day
-- H057 lateral: jsonb_each
SELECT o.id, kv.key, kv.value FROM orders o CROSS JOIN LATERAL jsonb_each(o.metadata) kv WHERE o.id = 7 ORDER BY kv.key
-- H058 lateral: days since previous order
SELECT o.id, o.customer_id, o.ordered_at - prev.ordered_at AS since_previous FROM orders o LEFT JOIN LATERAL (SELECT p.ordered_at FROM orders p WHERE p.customer_id = o.customer_id AND p.ordered_at < o.ordered_at ORDER BY p.ordered_at DESC LIMIT 1) prev ON true WHERE o.customer_id = 8 ORDER BY o.ordered_at
-- H059 lateral: regexp_matches
SELECT t.id, m[1] AS word FROM support_tickets t, LATERAL regexp_matches(t.body, '(refund|login|invoice)', 'g') AS m WHERE t.id < 10 ORDER BY t.id
-- H060 lateral: unnest WITH ORDINALITY
SELECT p.id, t.tag, t.position FROM products p, unnest(p.tags) WITH ORDINALITY AS t(tag, position) WHERE p.id < 4 ORDER BY p.id, t.position

-- H061 subquery: above-average products
SELECT name, price FROM products WHERE price > (SELECT avg(price) FROM products) ORDER BY price LIMIT 10
-- H062 subquery: correlated above category average
SELECT p.name, p.price FROM products p WHERE p.price > (SELECT avg(q.price) FROM products q WHERE q.category_id = p.category_id) ORDER BY p.id LIMIT 15
-- H063 subquery: scalar subquery in select list
SELECT c.id, c.full_name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS orders FROM customers c ORDER BY c.id LIMIT 10
-- H064 subquery: EXISTS
SELECT r.name FROM regions r WHERE EXISTS (SELECT 1 FROM customers c WHERE c.region_id = r.id AND c.tier = 'platinum') ORDER BY r.name
-- H065 subquery: NOT EXISTS open tickets
SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT FROM support_tickets t WHERE t.customer_id = c.id AND t.state <> 'closed') ORDER BY c.id LIMIT 10
-- H066 subquery: max per group via correlated subquery
SELECT o.customer_id, o.id, o.total FROM orders o WHERE o.total = (SELECT max(o2.total) FROM orders o2 WHERE o2.customer_id = o.customer_id) ORDER BY o.customer_id LIMIT 20
-- H067 subquery: in FROM with aggregate of aggregate
SELECT avg(orders) AS avg_orders_per_customer FROM (SELECT customer_id, count(*) AS orders FROM orders GROUP BY customer_id) per_customer
-- H068 subquery: row subquery comparison
SELECT id, total FROM orders WHERE (customer_id, total) IN (SELECT customer_id, max(total) FROM orders GROUP BY customer_id) ORDER BY id LIMIT 10
-- H069 subquery: ALL subquery
SELECT name, price FROM products WHERE price >= ALL (SELECT price FROM products WHERE category_id = 5) ORDER BY price DESC
-- H070 subquery: ANY subquery
SELECT count(*) FROM orders WHERE total > ANY (SELECT amount FROM payments WHERE method = 'invoice' AND amount > 1500)
-- H071 subquery: nested three levels
SELECT name FROM regions WHERE id IN (SELECT region_id FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > (SELECT avg(total) * 3 FROM orders))) ORDER BY name
-- H072 subquery: subquery in CASE
SELECT id, CASE WHEN total > (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY total) FROM orders) THEN 'top decile' ELSE 'other' END AS bucket FROM orders ORDER BY id LIMIT 10
-- H073 subquery: subquery in HAVING
SELECT channel, avg(total) FROM orders GROUP BY channel HAVING avg(total) > (SELECT avg(total) FROM orders) ORDER BY channel
-- H074 subquery: correlated in ORDER BY
SELECT r.name FROM regions r ORDER BY (SELECT count(*) FROM customers c WHERE c.region_id = r.id) DESC, r.name
-- H075 subquery: ARRAY subquery
SELECT cat.name, ARRAY(SELECT p.sku FROM products p WHERE p.category_id = cat.id ORDER BY p.sku LIMIT 3) AS sample_skus FROM categories cat ORDER BY cat.id
-- H076 subquery: EXISTS with correlated join
SELECT p.id, p.name FROM products p WHERE EXISTS (SELECT 1 FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE oi.product_id = p.id AND o.status = 'refunded') ORDER BY p.id LIMIT 10
-- H077 subquery: share of total
SELECT status, count(*) * 100.0 / (SELECT count(*) FROM orders) AS pct FROM orders GROUP BY status ORDER BY pct DESC
-- H078 subquery: derived table with alias column list
SELECT t.s, t.n FROM (SELECT status, count(*) FROM orders GROUP BY status) AS t(s, n) ORDER BY t.n DESC
-- H079 subquery: scalar subquery comparing dates
SELECT id, ordered_at FROM orders WHERE ordered_at = (SELECT max(ordered_at) FROM orders)
-- H080 subquery: lateral-free top per group with DISTINCT and subquery
SELECT DISTINCT customer_id, (SELECT max(total) FROM orders i WHERE i.customer_id = o.customer_id) AS best FROM orders o WHERE customer_id < 20 ORDER BY customer_id

-- H081 cte: simple CTE
WITH big_orders AS (SELECT id, customer_id, total FROM orders WHERE total > 1000) SELECT count(*), sum(total) FROM big_orders
-- H082 cte: two CTEs joined
WITH spend AS (SELECT customer_id, sum(total) AS spent FROM orders GROUP BY customer_id), tickets AS (SELECT customer_id, count(*) AS tickets FROM support_tickets GROUP BY customer_id) SELECT s.customer_id, s.spent, coalesce(t.tickets, 0) AS tickets FROM spend s LEFT JOIN tickets t USING (customer_id) ORDER BY s.spent DESC LIMIT 10
-- H083 cte: CTE used twice
WITH daily AS (SELECT ordered_at::date AS day, sum(total) AS revenue FROM orders GROUP BY 1) SELECT d.day, d.revenue, d.revenue - (SELECT avg(revenue) FROM daily) AS vs_avg FROM daily d ORDER BY d.day LIMIT 10
-- H084 cte: MATERIALIZED hint
WITH s AS MATERIALIZED (SELECT product_id, sum(quantity) AS units FROM order_items GROUP BY product_id) SELECT product_id, units FROM s WHERE units > 50 ORDER BY units DESC LIMIT 10
-- H085 cte: NOT MATERIALIZED hint
WITH s AS NOT MATERIALIZED (SELECT id, price FROM products) SELECT id FROM s WHERE price < 20 ORDER BY id
-- H086 cte: chained CTEs
WITH a AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id), b AS (SELECT n, count(*) AS customers FROM a GROUP BY n) SELECT n AS orders_per_customer, customers FROM b ORDER BY n
-- H087 cte: recursive category tree
WITH RECURSIVE tree AS (SELECT id, name, parent_id, 1 AS depth, name::text AS path FROM categories WHERE parent_id IS NULL UNION ALL SELECT c.id, c.name, c.parent_id, t.depth + 1, t.path || ' > ' || c.name FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT id, depth, path FROM tree ORDER BY path
-- H088 cte: recursive org chart
WITH RECURSIVE chain AS (SELECT id, name, manager_id, 0 AS level FROM employees WHERE manager_id IS NULL UNION ALL SELECT e.id, e.name, e.manager_id, c.level + 1 FROM employees e JOIN chain c ON e.manager_id = c.id) SELECT level, count(*) FROM chain GROUP BY level ORDER BY level
-- H089 cte: recursive series of months
WITH RECURSIVE months(m) AS (SELECT date '2025-06-01' UNION ALL SELECT (m + interval '1 month')::date FROM months WHERE m < date '2026-02-01') SELECT m FROM months ORDER BY m
-- H090 cte: recursive path up to the root
WITH RECURSIVE up AS (SELECT id, parent_id, name FROM categories WHERE id = 12 UNION ALL SELECT c.id, c.parent_id, c.name FROM categories c JOIN up ON c.id = up.parent_id) SELECT string_agg(name, ' < ') FROM up
-- H091 cte: recursive with SEARCH DEPTH FIRST
WITH RECURSIVE tree(id, parent_id, name) AS (SELECT id, parent_id, name FROM categories WHERE parent_id IS NULL UNION ALL SELECT c.id, c.parent_id, c.name FROM categories c JOIN tree t ON c.parent_id = t.id) SEARCH DEPTH FIRST BY id SET ord SELECT id, name FROM tree ORDER BY ord
-- H092 cte: recursive with SEARCH BREADTH FIRST
WITH RECURSIVE tree(id, parent_id, name) AS (SELECT id, parent_id, name FROM categories WHERE parent_id IS NULL UNION ALL SELECT c.id, c.parent_id, c.name FROM categories c JOIN tree t ON c.parent_id = t.id) SEARCH BREADTH FIRST BY id SET ord SELECT id, name, ord FROM tree ORDER BY ord
-- H093 cte: recursive with CYCLE
WITH RECURSIVE reports(id, manager_id, name) AS (SELECT id, manager_id, name FROM employees WHERE id = 1 UNION ALL SELECT e.id, e.manager_id, e.name FROM employees e JOIN reports r ON e.manager_id = r.id) CYCLE id SET is_cycle USING path SELECT id, name, is_cycle FROM reports ORDER BY id
-- H094 cte: recursive counting with a bound
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) SELECT sum(i) FROM n
-- H095 cte: recursive subtree sizes
WITH RECURSIVE sub AS (SELECT id AS root, id FROM categories UNION ALL SELECT s.root, c.id FROM sub s JOIN categories c ON c.parent_id = s.id) SELECT cat.name, count(*) - 1 AS descendants FROM sub JOIN categories cat ON cat.id = sub.root GROUP BY cat.name ORDER BY descendants DESC, cat.name
-- H096 cte: CTE with window inside
WITH ranked AS (SELECT id, customer_id, total, row_number() OVER (PARTITION BY customer_id ORDER BY total DESC) AS rn FROM orders) SELECT customer_id, id, total FROM ranked WHERE rn = 1 ORDER BY customer_id LIMIT 10
-- H097 cte: CTE feeding a UNION
WITH paid AS (SELECT id FROM orders WHERE status = 'paid'), shipped AS (SELECT id FROM orders WHERE status = 'shipped') SELECT 'paid' AS s, count(*) FROM paid UNION ALL SELECT 'shipped', count(*) FROM shipped
-- H098 cte: recursive Fibonacci numbers
WITH RECURSIVE fib(a, b, n) AS (SELECT 0::numeric, 1::numeric, 1 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 20) SELECT n, a FROM fib ORDER BY n
-- H099 cte: CTE name shadowing a table name
WITH orders AS (SELECT 1 AS id, 'x' AS status) SELECT id, status FROM orders
-- H100 cte: column list on CTE
WITH t(day, n) AS (SELECT ordered_at::date, count(*) FROM orders GROUP BY 1) SELECT day, n FROM t ORDER BY n DESC, day LIMIT 5
