export { DEFAULT_MAIL_FROM, MailConfigError, parseMailConfig, type MailConfig } from "./config.ts";
export { developerMailer, smtpMailer, type Mailer, type OutgoingMail } from "./mailer.ts";
export { drainOutbox, enqueueMail, outboxSender, recentMails, type MailToQueue, type OutboxSender, type RecentMail } from "./outbox.ts";
