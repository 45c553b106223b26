CREATE TABLE "stat_counters" (
	"name" text NOT NULL,
	"hour" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "stat_counters_name_hour_pk" PRIMARY KEY("name","hour")
);
