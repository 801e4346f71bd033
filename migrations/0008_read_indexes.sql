-- 0008_read_indexes.sql: indexes for the desk's reads at a million files (issue 8, "Data at
-- scale"; docs/performance.md "Reads at 1 million files" has the plans before and after).
--
-- Each one is what a read's plan lacked at that size. They are built in the migration's
-- transaction (CREATE INDEX CONCURRENTLY cannot run in one), so upgrading a large installation
-- locks these tables against writes while they build: seconds per million rows.

-- Inbox: the desk asks for the open dispositions addressed to the user or, unclaimed, to a
-- role at the office, through disposition_view, whose to_user is coalesce(to_user, 0); and for
-- the last 50 the user completed. Without these, the second part read every disposition.
CREATE INDEX dispositions_open_to ON dispositions ((coalesce(to_user, 0)), office_id)
    WHERE completed_at IS NULL;
CREATE INDEX dispositions_done_to ON dispositions ((coalesce(to_user, 0)), completed_at DESC)
    WHERE completed_at IS NOT NULL;

-- SearchFiles by an applicant's number looks in four columns; the responsible person's NIK (of
-- an organisation) was the one without an index, which turned the search into a scan of every
-- applicant.
CREATE INDEX applicants_responsible_nik ON applicants (region_id, responsible_nik)
    WHERE responsible_nik IS NOT NULL;

-- Reconcile (a cashier's day, a treasurer's period) selects a region's payments by the day
-- they were received.
CREATE INDEX payments_region_day ON payments (region_id, received_date);
