#!/usr/bin/env node
/*
 * Bot API emulator for Rebond's end-to-end tests.
 *
 * Runs the npm package `telegram-test-api` (pinned to 4.2.1 in package.json) behind a small
 * express front app that makes it answer like the real Bot API does for python-telegram-bot 22:
 *
 *   - getMe carries `is_bot: true` (and the bot id is the token's numeric prefix);
 *   - returned messages carry `date` in seconds and a `from` bot user, and are clean Message
 *     objects (no echoed request fields);
 *   - updates for callback queries carry `chat_instance`, and their `message` is the stored bot
 *     message (current text and keyboard, `message_id`, `date`) when the test client names it;
 *   - setMyCommands, deleteMyCommands, getMyCommands, sendChatAction answer `ok`;
 *   - sendPhoto / sendDocument accept multipart uploads (or a file_id / URL string), record the
 *     message for the test client (photo / document marker) and answer a proper Message;
 *   - editMessageText / editMessageReplyMarkup / answerCallbackQuery / deleteMessage answer what
 *     the real API answers (the emulator answers `null`); editMessageReplyMarkup without markup
 *     removes the keyboard;
 *   - getUpdates honours `offset` (confirmation), `limit` and `timeout` (long polling);
 *   - unknown methods answer 404 in the Bot API's error format (and are logged on stderr).
 *
 * The user side is the package's client API: POST /sendMessage, /sendCommand, /sendCallback,
 * /getUpdates ({token, chatId}: new bot messages), /getUpdatesHistory ({token}). Two extra client
 * routes: POST /harness/callbackAnswers ({token}), POST /harness/injectUpdate ({token, update}:
 * any raw update, e.g. an edited message or a group message), POST /harness/leftChats ({token}:
 * the chats the bot left), POST /harness/webhookDeliveries ({token}: the HTTP status of each
 * update pushed to the bot in webhook mode, see setWebhook below), POST /harness/file ({token,
 * file_id}: the bytes of a file the bot uploaded, base64) and GET /harness/health.
 *
 * Usage: node tests/e2e/emulator/server.js [--host 127.0.0.1] [--port 0] [--exit-on-stdin-close]
 *        (or EMULATOR_HOST / EMULATOR_PORT). Port 0 picks a free port. Loopback hosts only.
 * On success it prints exactly one line on stdout:  EMULATOR READY http://HOST:PORT
 * Everything else goes to stderr.
 */
'use strict';

const crypto = require('crypto');
const http = require('http');
const net = require('net');
const express = require('express');
const TelegramServer = require('telegram-test-api');

// ---------------------------------------------------------------------------------------------
// Configuration

function parseArgs(argv) {
  const opts = {
    host: process.env.EMULATOR_HOST || '127.0.0.1',
    port: process.env.EMULATOR_PORT !== undefined ? Number(process.env.EMULATOR_PORT) : 0,
    exitOnStdinClose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--host') opts.host = argv[++i];
    else if (arg === '--port') opts.port = Number(argv[++i]);
    else if (arg === '--exit-on-stdin-close') opts.exitOnStdinClose = true;
    else {
      process.stderr.write(`[emulator] unknown argument: ${arg}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write(`[emulator] invalid port: ${opts.port}\n`);
    process.exit(2);
  }
  const host = opts.host.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1'
    || (net.isIPv4(host) && host.startsWith('127.'));
  if (!loopback) {
    process.stderr.write(`[emulator] refusing to listen on non-loopback host: ${opts.host}\n`);
    process.exit(2);
  }
  opts.host = host;
  return opts;
}

const log = (msg) => process.stderr.write(`[emulator] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Helpers

const nowSeconds = () => Math.floor(Date.now() / 1000);
const toSeconds = (t) => (t > 1e11 ? Math.floor(t / 1000) : Math.floor(t)); // ms -> s if needed

function botUser(token) {
  const prefix = Number(String(token).split(':')[0]);
  return {
    id: Number.isSafeInteger(prefix) && prefix > 0 ? prefix : 666,
    is_bot: true,
    first_name: 'Rebond Test Bot',
    username: 'RebondTestBot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };
}

function parseMaybeJson(value) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (_e) {
    return value;
  }
}

function chatFor(chatId) {
  const id = Number(chatId);
  return id > 0 ? { id, type: 'private' } : { id, type: 'group', title: 'Test group' };
}

function tgError(res, code, description) {
  res.status(code).json({ ok: false, error_code: code, description });
}

/** A clean Bot API Message from one stored bot update of telegram-test-api. */
function toApiMessage(entry) {
  const m = entry.message;
  const msg = {
    message_id: entry.messageId,
    from: botUser(entry.botToken),
    chat: chatFor(m.chat_id),
    date: toSeconds(entry.time),
  };
  if (m.edit_date) msg.edit_date = m.edit_date;
  if (m.photo) {
    msg.photo = [m.photo.photo_size];
  } else if (m.document) {
    msg.document = m.document.document;
  } else if (m.text !== undefined) {
    msg.text = String(m.text);
  }
  if (m.caption !== undefined && (m.photo || m.document)) msg.caption = String(m.caption);
  const markup = parseMaybeJson(m.reply_markup);
  if (markup && typeof markup === 'object' && Array.isArray(markup.inline_keyboard)) {
    msg.reply_markup = { inline_keyboard: markup.inline_keyboard };
  }
  return msg;
}

/** Minimal multipart/form-data parser: {fields: {name: string}, files: {name: {...}}}. */
function parseMultipart(body, contentType) {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!match) throw new Error('multipart body without boundary');
  const delimiter = Buffer.from(`--${match[1] || match[2]}`);
  const fields = {};
  const files = {};
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body.slice(start, start + 2).toString() === '--') break; // closing delimiter
    if (body.slice(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.slice(start, next - 2); // drop the CRLF before the next delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.slice(0, headerEnd).toString('utf8');
      const content = part.slice(headerEnd + 4);
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headers);
      const name = disposition && /\bname="([^"]*)"/i.exec(disposition[1]);
      const filename = disposition && /\bfilename="([^"]*)"/i.exec(disposition[1]);
      const type = /content-type:\s*([^\r\n]*)/i.exec(headers);
      if (name && filename) {
        files[name[1]] = {
          filename: filename[1],
          mimeType: type ? type[1].trim() : 'application/octet-stream',
          data: content,
        };
      } else if (name) {
        fields[name[1]] = content.toString('utf8');
      }
    }
    pos = next;
  }
  return { fields, files };
}

function pngSize(data) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (data.length >= 24 && data.slice(0, 8).equals(sig)) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  return { width: 0, height: 0 };
}

// ---------------------------------------------------------------------------------------------
// The emulator and the front app

function buildApp(telegramServer) {
  const app = express();
  const callbackAnswers = [];
  const leftChats = [];
  let fileCounter = 0;
  // The bytes of every file the bot uploaded, by file_id, for POST /harness/file.
  const uploads = new Map();
  telegramServer.setMaxListeners(0);

  app.use(express.json({ limit: '20mb' }));
  app.use(express.urlencoded({ extended: true, limit: '20mb' }));
  app.use(express.raw({ type: 'multipart/form-data', limit: '60mb' }));
  // Bot API parameters may come in the query string too.
  app.use('/bot:token/:method', (req, _res, next) => {
    if (Buffer.isBuffer(req.body)) {
      const { fields, files } = parseMultipart(req.body, req.headers['content-type']);
      req.body = fields;
      req.files = files;
    }
    req.body = { ...req.query, ...(req.body && typeof req.body === 'object' ? req.body : {}) };
    req.files = req.files || {};
    next();
  });

  const storedBotMessage = (token, chatId, messageId) => telegramServer.storage.botMessages.find(
    (u) => u.botToken === token && String(u.message.chat_id) === String(chatId)
      && String(u.messageId) === String(messageId),
  );

  const ok = (result) => (req, res) => res.json({ ok: true, result });
  app.all('/bot:token/setMyCommands', ok(true));
  app.all('/bot:token/deleteMyCommands', ok(true));
  app.all('/bot:token/getMyCommands', ok([]));
  app.all('/bot:token/sendChatAction', ok(true));
  app.all('/bot:token/close', ok(true));
  app.all('/bot:token/leaveChat', (req, res) => {
    leftChats.push({ token: req.params.token, chat_id: Number(req.body.chat_id) });
    res.json({ ok: true, result: true });
  });

  app.all('/bot:token/getMe', (req, res) => res.json({ ok: true, result: botUser(req.params.token) }));

  app.all('/bot:token/sendMessage', (req, res) => {
    const { token } = req.params;
    if (req.body.chat_id === undefined || req.body.text === undefined) {
      tgError(res, 400, 'Bad Request: chat_id and text are required');
      return;
    }
    const body = { ...req.body, chat_id: String(req.body.chat_id) };
    telegramServer.addBotMessage(body, token);
    const entry = telegramServer.storage.botMessages[telegramServer.storage.botMessages.length - 1];
    res.json({ ok: true, result: toApiMessage(entry) });
  });

  const sendMedia = (kind) => (req, res) => {
    const { token } = req.params;
    const chatId = req.body.chat_id;
    let value = req.body[kind];
    if (chatId === undefined || (value === undefined && !req.files[kind])) {
      tgError(res, 400, `Bad Request: chat_id and ${kind} are required`);
      return;
    }
    let file = req.files[kind];
    if (typeof value === 'string' && value.startsWith('attach://')) {
      file = req.files[value.slice('attach://'.length)];
      value = undefined;
    }
    fileCounter += 1;
    const fileId = file ? `emulated-${kind}-${fileCounter}` : String(value);
    if (file) uploads.set(`${req.params.token}:${fileId}`, file.data);
    const marker = file
      ? {
        file_id: fileId,
        filename: file.filename,
        mime_type: file.mimeType,
        size: file.data.length,
        sha256: crypto.createHash('sha256').update(file.data).digest('hex'),
      }
      : { file_id: fileId, filename: null, mime_type: null, size: null, sha256: null };
    const base = { file_id: fileId, file_unique_id: `u${fileId}`.slice(0, 32) };
    if (kind === 'photo') {
      marker.photo_size = {
        ...base, ...(file ? pngSize(file.data) : { width: 0, height: 0 }),
        ...(file ? { file_size: file.data.length } : {}),
      };
    } else {
      marker.document = {
        ...base,
        ...(file ? { file_name: file.filename, mime_type: file.mimeType, file_size: file.data.length } : {}),
      };
    }
    const body = { chat_id: String(chatId), [kind]: marker };
    if (req.body.caption !== undefined) body.caption = req.body.caption;
    if (req.body.reply_markup !== undefined) body.reply_markup = req.body.reply_markup;
    telegramServer.addBotMessage(body, token);
    const entry = telegramServer.storage.botMessages[telegramServer.storage.botMessages.length - 1];
    res.json({ ok: true, result: toApiMessage(entry) });
  };
  app.all('/bot:token/sendPhoto', sendMedia('photo'));
  app.all('/bot:token/sendDocument', sendMedia('document'));

  const editRoute = (apply) => (req, res) => {
    const { token } = req.params;
    if (req.body.inline_message_id !== undefined) {
      res.json({ ok: true, result: true });
      return;
    }
    const entry = storedBotMessage(token, req.body.chat_id, req.body.message_id);
    if (!entry) {
      tgError(res, 400, 'Bad Request: message to edit not found');
      return;
    }
    apply(entry, req.body);
    entry.message.edit_date = nowSeconds();
    res.json({ ok: true, result: toApiMessage(entry) });
  };
  app.all('/bot:token/editMessageText', editRoute((entry, body) => {
    entry.message = { ...entry.message, text: body.text };
    if (body.reply_markup !== undefined) entry.message.reply_markup = parseMaybeJson(body.reply_markup);
    else delete entry.message.reply_markup; // like the real API: no markup given, keyboard gone
  }));
  app.all('/bot:token/editMessageCaption', editRoute((entry, body) => {
    entry.message = { ...entry.message, caption: body.caption };
    if (body.reply_markup !== undefined) entry.message.reply_markup = parseMaybeJson(body.reply_markup);
    else delete entry.message.reply_markup;
  }));
  app.all('/bot:token/editMessageReplyMarkup', editRoute((entry, body) => {
    if (body.reply_markup !== undefined) entry.message.reply_markup = parseMaybeJson(body.reply_markup);
    else delete entry.message.reply_markup;
  }));

  app.all('/bot:token/deleteMessage', (req, res) => {
    const deleted = telegramServer.deleteMessage(Number(req.body.chat_id), Number(req.body.message_id));
    if (!deleted) tgError(res, 400, 'Bad Request: message to delete not found');
    else res.json({ ok: true, result: true });
  });

  app.all('/bot:token/answerCallbackQuery', (req, res) => {
    callbackAnswers.push({
      token: req.params.token,
      callback_query_id: String(req.body.callback_query_id),
      text: req.body.text === undefined ? null : String(req.body.text),
      show_alert: String(req.body.show_alert) === 'true',
    });
    res.json({ ok: true, result: true });
  });

  // getUpdates with offset confirmation, limit and long polling.
  const pendingUpdates = (token, offset) => telegramServer.storage.userMessages.filter((u) => {
    if (u.botToken !== token) return false;
    if (u.updateId < offset) u.isRead = true; // confirmed by the bot
    return !u.isRead;
  }).sort((a, b) => a.updateId - b.updateId);

  const formatUpdate = (u) => {
    if (u.rawUpdate) return { ...u.rawUpdate, update_id: u.updateId };
    const update = TelegramServer.formatUpdate(u);
    if (update.message) {
      const { botToken: _t, ...message } = update.message;
      message.date = toSeconds(message.date || u.time);
      update.message = message;
    }
    if (update.callback_query) {
      const cq = update.callback_query;
      let message = cq.message || {};
      const chatId = message.chat ? message.chat.id : (cq.from && cq.from.id);
      const stored = message.message_id !== undefined
        && storedBotMessage(u.botToken, chatId, message.message_id);
      if (stored) {
        message = toApiMessage(stored);
      } else {
        message = {
          message_id: 0, date: toSeconds(u.time), chat: chatFor(chatId), ...message,
        };
        message.date = toSeconds(message.date);
      }
      update.callback_query = {
        ...cq,
        message,
        chat_instance: cq.chat_instance || String(chatId),
      };
    }
    return update;
  };

  app.all('/bot:token/getUpdates', (req, res) => {
    const { token } = req.params;
    const offset = req.body.offset !== undefined ? Number(req.body.offset) : 0;
    const limit = Math.min(Math.max(Number(req.body.limit) || 100, 1), 100);
    const timeout = Math.min(Math.max(Number(req.body.timeout) || 0, 0), 50);
    let done = false;
    const events = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];
    let timer = null;
    const cleanup = () => {
      done = true;
      events.forEach((e) => telegramServer.off(e, attempt));
      if (timer) clearTimeout(timer);
    };
    function attempt(force) {
      if (done) return;
      const updates = pendingUpdates(token, offset).slice(0, limit);
      if (updates.length === 0 && force !== true) return;
      cleanup();
      res.json({ ok: true, result: updates.map(formatUpdate) });
    }
    attempt(timeout === 0);
    if (done) return;
    events.forEach((e) => telegramServer.on(e, attempt));
    timer = setTimeout(() => attempt(true), timeout * 1000);
    res.on('close', cleanup);
  });

  // Webhook mode. setWebhook (url, secret_token) makes the emulator POST each new update from
  // the test client to that URL, with the X-Telegram-Bot-Api-Secret-Token header as Telegram
  // sends it, instead of keeping it for getUpdates; deleteWebhook (or an empty url) goes back
  // to getUpdates. The HTTP status of every delivery is kept for the test client
  // (POST /harness/webhookDeliveries). The package's own webhook support sends no secret.
  const webhooks = new Map();
  const webhookDeliveries = [];
  app.all('/bot:token/setWebhook', (req, res) => {
    const url = req.body.url ? String(req.body.url) : '';
    if (!url) {
      webhooks.delete(req.params.token);
    } else {
      const secret = req.body.secret_token ? String(req.body.secret_token) : null;
      webhooks.set(req.params.token, { url, secret });
      log(`webhook set to ${url}${secret ? ' (with a secret token)' : ''}`);
    }
    res.json({ ok: true, result: true });
  });
  app.all('/bot:token/deleteWebhook', (req, res) => {
    webhooks.delete(req.params.token);
    res.json({ ok: true, result: true });
  });
  app.all('/bot:token/getWebhookInfo', (req, res) => {
    const hook = webhooks.get(req.params.token);
    res.json({
      ok: true,
      result: { url: hook ? hook.url : '', has_custom_certificate: false, pending_update_count: 0 },
    });
  });
  const postJson = (url, body, headers) => new Promise((resolve) => {
    const data = Buffer.from(JSON.stringify(body));
    const request = http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, ...headers },
      timeout: 60000,
    }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (err) => resolve(`error: ${err.message}`));
    request.end(data);
  });
  // Deliveries go out one at a time per bot, in update order (Telegram with max_connections=1);
  // the client's call returns at once, as without a webhook, so that the package numbers the
  // next message before this one is delivered.
  const deliveryChains = new Map();
  const storeUserUpdate = telegramServer.addUserUpdate.bind(telegramServer);
  // eslint-disable-next-line no-param-reassign
  telegramServer.addUserUpdate = async (update) => {
    const hook = webhooks.get(update.botToken);
    if (!hook) {
      await storeUserUpdate(update);
      return;
    }
    const formatted = formatUpdate(update);
    telegramServer.updateId += 1;
    const headers = hook.secret ? { 'X-Telegram-Bot-Api-Secret-Token': hook.secret } : {};
    const previous = deliveryChains.get(update.botToken) || Promise.resolve();
    const delivery = previous.then(async () => {
      const status = await postJson(hook.url, formatted, headers);
      webhookDeliveries.push({ token: update.botToken, update_id: formatted.update_id, status });
    });
    deliveryChains.set(update.botToken, delivery);
  };
  app.post('/harness/webhookDeliveries', (req, res) => {
    const token = req.body && req.body.token;
    res.json({
      ok: true,
      result: webhookDeliveries.filter((d) => d.token === token).map(({ token: _t, ...d }) => d),
    });
  });

  // Any update as Telegram would send it (edited messages, captions, group chats, membership
  // changes…): the emulator's client API only builds plain messages, commands and callbacks.
  app.post('/harness/injectUpdate', (req, res) => {
    const token = req.body && req.body.token;
    const update = req.body && req.body.update;
    if (!token || !update || typeof update !== 'object') {
      tgError(res, 400, 'Bad Request: token and update are required');
      return;
    }
    const updateId = telegramServer.updateId;
    telegramServer.updateId += 1;
    telegramServer.storage.userMessages.push({
      botToken: token, updateId, time: Date.now(), isRead: false, rawUpdate: update,
    });
    telegramServer.emit('AddedUserMessage');
    res.json({ ok: true, result: updateId });
  });

  app.post('/harness/leftChats', (req, res) => {
    const token = req.body && req.body.token;
    res.json({ ok: true, result: leftChats.filter((c) => c.token === token).map((c) => c.chat_id) });
  });

  // The bytes of a file the bot uploaded (sendPhoto / sendDocument), base64-encoded.
  app.post('/harness/file', (req, res) => {
    const token = req.body && req.body.token;
    const data = uploads.get(`${token}:${req.body && req.body.file_id}`);
    if (data === undefined) {
      tgError(res, 404, 'Not Found: no such uploaded file');
      return;
    }
    res.json({ ok: true, result: data.toString('base64') });
  });

  app.post('/harness/callbackAnswers', (req, res) => {
    const token = req.body && req.body.token;
    res.json({ ok: true, result: callbackAnswers.filter((a) => a.token === token) });
  });
  app.get('/harness/health', (_req, res) => res.json({ ok: true, result: 'ready' }));

  // Still served by telegram-test-api itself: deleteWebhook, setWebhook and the client routes.
  const inner = new Set(['deleteWebhook', 'setWebhook']);
  app.all('/bot:token/:method', (req, res, next) => {
    if (inner.has(req.params.method)) {
      next();
      return;
    }
    log(`unsupported Bot API method: ${req.params.method}`);
    tgError(res, 404, `Not Found: method ${req.params.method} is not emulated`);
  });
  app.use(telegramServer.webServer);
  // eslint-disable-next-line no-unused-vars
  app.use((err, _req, res, _next) => {
    log(`error: ${err && err.stack ? err.stack : err}`);
    tgError(res, 500, `Internal Server Error: ${err && err.message}`);
  });
  return app;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const telegramServer = new TelegramServer({ host: opts.host, port: opts.port || 9000 });
  const app = buildApp(telegramServer);
  const server = http.createServer(app);
  // Keep idle connections longer than httpx's pool (5 s) so a reused connection is never closed
  // under a request.
  server.keepAliveTimeout = 65000;
  server.headersTimeout = 66000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address();
  telegramServer.config.port = port;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  telegramServer.config.apiURL = `http://${hostPart}:${port}`;

  const stop = (code) => {
    server.closeAllConnections();
    server.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  if (opts.exitOnStdinClose) {
    process.stdin.on('end', () => stop(0));
    process.stdin.on('error', () => stop(0));
    process.stdin.resume();
  }
  process.stdout.write(`EMULATOR READY http://${hostPart}:${port}\n`);
}

main().catch((err) => {
  log(`failed to start: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
