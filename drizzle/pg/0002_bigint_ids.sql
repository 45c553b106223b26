ALTER TABLE "agent_task_log" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "agent_task_log" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "agent_task_log" ALTER COLUMN "task_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "agent_tasks" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "agent_tasks" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "agent_tasks" ALTER COLUMN "message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "telegram_message_map" ALTER COLUMN "telegram_message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_message_map" ALTER COLUMN "message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ALTER COLUMN "message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ALTER COLUMN "reply_to" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_updates" ALTER COLUMN "update_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_updates" ALTER COLUMN "last_id_before" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "telegram_updates" ALTER COLUMN "message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "reply_to" SET DATA TYPE bigint;