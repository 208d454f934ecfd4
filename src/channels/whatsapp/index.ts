export { readWhatsappConfig, type WhatsappConfig } from './whatsapp-config.ts';
export { isValidSignature, signWebhookBody } from './signature.ts';
export {
  createWhatsappRouter,
  type WhatsappRouterOptions,
} from './whatsapp-router.ts';
export {
  createWhatsappChannel,
  type WhatsappChannel,
  type WhatsappChannelOptions,
} from './whatsapp-channel.ts';
export {
  createInProcessWhatsappChannel,
  type InProcessWhatsappChannel,
  type InProcessWhatsappChannelOptions,
} from './in-process-whatsapp-channel.ts';
export type {
  SendRepliesInput,
  WhatsappChannelRuntime,
  WhatsappPipelineOptions,
} from './whatsapp-pipeline.ts';
export type {
  JobAddOptions,
  JobQueue,
  JobSink,
  JobState,
  QueueJob,
  QueueWorker,
} from './job-queue.ts';
export {
  createWhatsappNumberLookup,
  type WhatsappNumberLookup,
  type WhatsappNumberSettings,
  type WhatsappNumberSource,
} from './whatsapp-number-lookup.ts';
export {
  renderReplies,
  renderMenuPage,
  PAGE_OPTION_PREFIX,
  type RenderedReplies,
} from './reply-renderer.ts';
export { WHATSAPP_LIMITS } from './whatsapp-limits.ts';
export {
  GraphClient,
  type OutboundPayload,
  type MediaFile,
} from './graph-client.ts';
export {
  GraphApiError,
  classifyGraphError,
  type GraphErrorAction,
} from './graph-error.ts';
export { parseWebhookPayload, type WebhookItem } from './webhook-payload.ts';
export {
  DEFAULT_MESSAGES_PER_SECOND,
  MESSAGES_PER_SECOND_RANGE,
  effectiveMessagesPerSecond,
  isTemplateLanguage,
  isTemplateName,
  whatsappSettingsOf,
  type RateSource,
  type WhatsappTenantSettings,
} from './whatsapp-settings.ts';
export type {
  InboundJobData,
  MediaStore,
  WhatsappTenantResolver,
  WhatsappTurnRunner,
} from './whatsapp-ports.ts';
export type { OutboundJobData, SendPausePoint } from './outbound-sender.ts';
