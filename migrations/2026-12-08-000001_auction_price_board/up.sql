-- The auction price board (issue 20): what the public aT auction rows say
-- about the market, per sale day, 품목, 품종 and aT grade, kept as a summary
-- table so a day's board is one index range read, never a scan of the raw
-- rows and their history.

-- aT grades (lvNm, as sent) → MarketBill's order grades 상/중/하. Configurable:
-- edit the rows (no deploy needed; the board joins this table when it is
-- read). aT's own scale is 특 > 상 > 보, so its 상 is MarketBill's 중. A grade
-- without a row, or with a NULL order_grade, is shown as unmapped.
CREATE TABLE auction_grade_map (
    auction_grade  varchar(255) PRIMARY KEY,
    order_grade    varchar(1) NULL CHECK (order_grade IN ('상', '중', '하')),
    -- Display order on the board, best first (unmapped grades sort last).
    rank           smallint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
SELECT diesel_manage_updated_at('auction_grade_map');

INSERT INTO auction_grade_map (auction_grade, order_grade, rank) VALUES
    ('특1', '상', 10), ('특2', '상', 11), ('특3', '상', 12), ('특', '상', 13),
    ('상1', '중', 20), ('상2', '중', 21), ('상3', '중', 22), ('상', '중', 23),
    ('보1', '하', 30), ('보2', '하', 31), ('보3', '하', 32), ('보', '하', 33);

-- One row per (sale day, 품목, 품종, aT grade): the live raw rows of that key
-- (one per category, usually one in all) summed up, with the same key's
-- history. Written only by refresh_auction_price_board.
CREATE TABLE auction_price_board (
    sale_date            date NOT NULL,
    flower_type          varchar(255) NOT NULL,
    flower_name          varchar(255) NOT NULL,
    grade                varchar(255) NOT NULL,
    quantity             bigint NOT NULL,  -- 속, summed
    min_price            bigint NOT NULL,  -- 원
    -- Volume-weighted mean of the rows' avg_price (their plain mean when no
    -- volume), rounded to the won: one row's avg_price as it is.
    avg_price            bigint NOT NULL,
    max_price            bigint NOT NULL,
    total_price          bigint NOT NULL,
    -- avg_price of the same key on sale_date - 7 (same weekday), if traded.
    prev_week_avg_price  bigint NULL,
    -- The normal band: P25 and P75 (percentile_cont, rounded to the won) of
    -- the key's avg_price over the 8 weeks before the day, [d - 56, d - 1];
    -- NULL when the key has no such history.
    band_low             bigint NULL,
    band_high            bigint NULL,
    -- Sale days in that window (with a price above 0).
    history_days         integer NOT NULL,
    -- NEW: no history; RISING/FALLING: avg_price above/below the band;
    -- NORMAL: inside it (bounds included).
    trend                varchar(8) NOT NULL CHECK (trend IN ('RISING', 'FALLING', 'NORMAL', 'NEW')),
    refreshed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sale_date, flower_type, flower_name, grade)
);

-- A variety's history and its latest day (Flower.latestAuction), and each
-- refresh's look-back over the previous 8 weeks.
CREATE INDEX idx_auction_price_board_variety
    ON auction_price_board (flower_type, flower_name, grade, sale_date);

-- Rebuilds the board rows of the sale days in [from_day, to_day], oldest
-- first: a day's history is read from the board rows of the days before it,
-- which are final by then. Called by the scheduler inside its sync
-- transaction (so the board never shows a half-ingested day) and below for
-- the backfill. Returns the rows written.
CREATE FUNCTION refresh_auction_price_board(from_day date, to_day date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    day      date;
    written  bigint := 0;
    n        bigint;
BEGIN
    -- Two refreshes of overlapping days would each delete rows the other
    -- inserted and then collide on the key: one at a time, until commit.
    PERFORM pg_advisory_xact_lock(727274302, 0);
    DELETE FROM auction_price_board WHERE sale_date BETWEEN from_day AND to_day;
    FOR day IN
        SELECT DISTINCT p.sale_date FROM public_bidding_flowers p
         WHERE p.sale_date BETWEEN from_day AND to_day AND p.deleted_at IS NULL
         ORDER BY 1
    LOOP
        INSERT INTO auction_price_board
            (sale_date, flower_type, flower_name, grade, quantity, min_price, avg_price,
             max_price, total_price, prev_week_avg_price, band_low, band_high, history_days, trend)
        WITH today AS (
            SELECT p.flower_type, p.flower_name, p.grade,
                   sum(p.quantity)::bigint AS quantity,
                   min(p.min_price) AS min_price,
                   CASE WHEN sum(p.quantity) > 0
                        THEN round(sum(p.avg_price::numeric * p.quantity) / sum(p.quantity))::bigint
                        ELSE round(avg(p.avg_price))::bigint END AS avg_price,
                   max(p.max_price) AS max_price,
                   sum(p.total_price)::bigint AS total_price
              FROM public_bidding_flowers p
             WHERE p.sale_date = day AND p.deleted_at IS NULL
             GROUP BY p.flower_type, p.flower_name, p.grade
        ), history AS (
            SELECT t.flower_type, t.flower_name, t.grade,
                   count(*)::integer AS days,
                   round(percentile_cont(0.25) WITHIN GROUP (ORDER BY h.avg_price))::bigint AS band_low,
                   round(percentile_cont(0.75) WITHIN GROUP (ORDER BY h.avg_price))::bigint AS band_high,
                   max(h.avg_price) FILTER (WHERE h.sale_date = day - 7) AS prev_week
              FROM today t
              JOIN auction_price_board h
                ON h.flower_type = t.flower_type AND h.flower_name = t.flower_name
               AND h.grade = t.grade
               AND h.sale_date >= day - 56 AND h.sale_date < day AND h.avg_price > 0
             GROUP BY t.flower_type, t.flower_name, t.grade
        )
        SELECT day, t.flower_type, t.flower_name, t.grade, t.quantity, t.min_price, t.avg_price,
               t.max_price, t.total_price, h.prev_week, h.band_low, h.band_high,
               coalesce(h.days, 0),
               CASE WHEN h.days IS NULL THEN 'NEW'
                    WHEN t.avg_price > h.band_high THEN 'RISING'
                    WHEN t.avg_price < h.band_low THEN 'FALLING'
                    ELSE 'NORMAL' END
          FROM today t
          LEFT JOIN history h
            ON h.flower_type = t.flower_type AND h.flower_name = t.flower_name AND h.grade = t.grade;
        GET DIAGNOSTICS n = ROW_COUNT;
        written := written + n;
    END LOOP;
    RETURN written;
END
$$;

-- Backfill: every day already stored.
SELECT refresh_auction_price_board(min(sale_date), max(sale_date)) FROM public_bidding_flowers;
