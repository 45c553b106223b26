ALTER TABLE "agent_tasks" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "model" text;