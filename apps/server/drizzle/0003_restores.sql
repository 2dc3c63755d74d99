CREATE TABLE `restore_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` integer NOT NULL,
	`destination_id` integer NOT NULL,
	`key` text NOT NULL,
	`rel_path` text NOT NULL,
	`file_id` integer,
	`sha256` text,
	`size` integer NOT NULL,
	`mtime_ms` integer,
	`storage_class` text NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`requested_at` integer,
	`expires_at` integer,
	`checks` integer DEFAULT 0 NOT NULL,
	`next_check_at` integer,
	`target_path` text,
	`verified` integer,
	`downloaded_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `restore_items_job_path` ON `restore_items` (`job_id`,`rel_path`);--> statement-breakpoint
CREATE INDEX `restore_items_job_state` ON `restore_items` (`job_id`,`state`);--> statement-breakpoint
CREATE INDEX `restore_items_job_key` ON `restore_items` (`job_id`,`key`);--> statement-breakpoint
CREATE INDEX `restore_items_destination_key` ON `restore_items` (`destination_id`,`key`);