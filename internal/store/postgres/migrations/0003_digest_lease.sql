-- 0003_digest_lease: a digest run's claim is a lease. The claimer (holder)
-- renews it while it builds and posts the digest; a claim whose lease ran
-- out unfinished (its process died) may be claimed again by another
-- process. A NULL lease_until (every claim made before this migration)
-- never runs out.
ALTER TABLE digest_runs ADD COLUMN holder text NOT NULL DEFAULT '';
ALTER TABLE digest_runs ADD COLUMN lease_until timestamptz;
