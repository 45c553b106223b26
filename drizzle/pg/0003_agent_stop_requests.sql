CREATE TABLE "agent_stop_requests" (
	"task_id" bigint PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL
);
