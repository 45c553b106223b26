CREATE TABLE "message_changes" (
	"id" bigint PRIMARY KEY NOT NULL,
	"message_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reactions" (
	"message_id" bigint NOT NULL,
	"user_name" text NOT NULL,
	"emoji" text NOT NULL,
	"created_at" text NOT NULL,
	CONSTRAINT "reactions_message_id_user_name_emoji_pk" PRIMARY KEY("message_id","user_name","emoji")
);
--> statement-breakpoint
CREATE TABLE "read_positions" (
	"user_name" text PRIMARY KEY NOT NULL,
	"up_to" bigint NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "edited_at" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "deleted_at" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_root" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "thread_broadcast" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reply_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "last_reply_at" text;--> statement-breakpoint
CREATE INDEX "message_changes_message_id_idx" ON "message_changes" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "messages_thread_root_idx" ON "messages" USING btree ("thread_root");