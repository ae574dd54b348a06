/** The Amplify root: plugins, one per category, then `configure` (client.md §2). */
import { AmplifyAPI } from './api-plugin.js';
import { AmplifyAuthCognito } from './auth/auth-plugin.js';
import { parseAmplifyConfig, type ResolvedConfig } from './config.js';
import { AmplifyAlreadyConfiguredException, AmplifyException, ConfigurationException } from './errors.js';
import { HubClass } from './hub.js';

export type AmplifyPlugin = AmplifyAPI | AmplifyAuthCognito;

export class AmplifyClass {
  readonly Hub = new HubClass();
  #api: AmplifyAPI | undefined;
  #auth: AmplifyAuthCognito | undefined;
  #config: ResolvedConfig | undefined;

  get isConfigured(): boolean {
    return this.#config !== undefined;
  }

  get API(): AmplifyAPI {
    if (this.#api === undefined) {
      throw new ConfigurationException('The API category has no plugin: add AmplifyAPI before "configure".');
    }
    if (this.#config === undefined) throw notConfigured();
    return this.#api;
  }

  get Auth(): AmplifyAuthCognito {
    if (this.#auth === undefined) {
      throw new ConfigurationException(
        'The Auth category has no plugin: add AmplifyAuthCognito before "configure".',
      );
    }
    if (this.#config === undefined) throw notConfigured();
    return this.#auth;
  }

  async addPlugin(plugin: AmplifyPlugin): Promise<void> {
    if (this.#config !== undefined) {
      throw new AmplifyException('ERR_AMPLIFY_PLUGIN', 'Plugins must be added before "configure".');
    }
    if (plugin instanceof AmplifyAPI) {
      if (this.#api !== undefined) throw duplicate('API');
      this.#api = plugin;
    } else if (plugin instanceof AmplifyAuthCognito) {
      if (this.#auth !== undefined) throw duplicate('Auth');
      this.#auth = plugin;
    } else {
      throw new TypeError('"plugin" must be an AmplifyAPI or AmplifyAuthCognito instance.');
    }
  }

  async addPlugins(plugins: readonly AmplifyPlugin[]): Promise<void> {
    for (const plugin of plugins) await this.addPlugin(plugin);
  }

  /** Accepts `amplifyconfiguration.json` (Gen 1) or `amplify_outputs.json` (Gen 2), as text or object. */
  async configure(config: string | object): Promise<void> {
    if (this.#config !== undefined) throw new AmplifyAlreadyConfiguredException();
    const resolved = parseAmplifyConfig(config, { requireGraphQLApi: this.#api !== undefined });
    this.#auth?.configure(resolved.auth, { hub: this.Hub });
    this.#api?.configure(resolved, { auth: this.#auth, hub: this.Hub });
    this.#config = resolved;
  }
}

function duplicate(category: string): AmplifyException {
  return new AmplifyException(
    'ERR_AMPLIFY_PLUGIN',
    `A plugin for the ${category} category is already added.`,
  );
}

function notConfigured(): ConfigurationException {
  return new ConfigurationException('Amplify is not configured: call "Amplify.configure" first.', {
    code: 'ERR_CONFIG_NOT_CONFIGURED',
  });
}

export const Amplify = new AmplifyClass();
