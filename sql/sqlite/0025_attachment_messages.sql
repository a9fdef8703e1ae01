-- The message a file came with (issue 15): shown under it, and, when the message is an
-- internal note, never to customers. NULL: a file of the request itself (its description,
-- an upload on its own, files from before this migration).
ALTER TABLE attachments ADD COLUMN message_id INTEGER REFERENCES messages(id);
