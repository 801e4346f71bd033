-- 0009_register_numbers.sql: a register's 10,000th number keeps all its digits.
--
-- take_number() padded the number with lpad(seq, 4, '0'), and lpad also truncates: number 10000
-- came out as "1000", the same text as the register's thousandth document. Numbers are padded to
-- at least four digits and never cut.
CREATE OR REPLACE FUNCTION take_number(p_office bigint, p_kind document_kind, p_series text,
                                       p_year integer, OUT seq integer, OUT number text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    o offices;
BEGIN
    SELECT * INTO STRICT o FROM offices WHERE id = p_office;
    INSERT INTO registers AS r (office_id, kind, series, year, last_no)
    VALUES (p_office, p_kind, p_series, p_year, 1)
    ON CONFLICT (office_id, kind, series, year) DO UPDATE SET last_no = r.last_no + 1
    RETURNING r.last_no INTO seq;
    number := replace(replace(replace(replace(register_format(o.region_id, p_kind),
        '{no}', lpad(seq::text, greatest(4, length(seq::text)), '0')), '{series}',
        upper(p_series)), '{office}', upper(o.code)), '{year}', p_year::text);
END $$;
