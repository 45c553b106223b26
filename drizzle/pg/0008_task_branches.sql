ALTER TABLE "agent_tasks" ADD COLUMN "branch" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "base_branch" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "branch_state" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "commit_sha" text;