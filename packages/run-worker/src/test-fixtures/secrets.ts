/**
 * Test definitions for redaction: a resource with a secret from FLYT_FIXTURE_TOKEN; the asset
 * leaks it every way it can (log message, log fields, stdout, stderr, the thrown error).
 */
import { asset, defineDefinitions, resource, secret } from "@flyt/sdk";

const api = resource({
  config: { token: secret("FLYT_FIXTURE_TOKEN"), base: "https://api.example.org" },
  create: (config) => ({ token: config.token, base: config.base }),
});

const leaky = asset<{ api: { token: string; base: string } }>({
  key: "s/leaky",
  resources: ["api"],
  compute: (context) => {
    const { token } = context.resources.api;
    context.log.info(`calling with token ${token}`, { header: `Bearer ${token}`, nested: { list: [token] } });
    console.log(`stdout token=${token}`);
    process.stderr.write(`stderr token=${token}\n`);
    throw new Error(`request failed for token ${token}`);
  },
});

export default defineDefinitions({ assets: [leaky], resources: { api } });
