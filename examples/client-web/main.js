/* global document, window */
// Browser client for `gatehouse dev`; bundled by serve.mjs with esbuild.
import {
  AmplifyAPI,
  AmplifyAuthCognito,
  AmplifyClass,
  createFunctionAuthProvider,
  isAmplifyException,
} from '@gatehouse/client';

const $ = (id) => document.getElementById(id);
const log = (text) => {
  $('log').textContent += `${text}\n`;
};

const Amplify = new AmplifyClass();
await Amplify.addPlugins([
  new AmplifyAPI({
    authProviders: [createFunctionAuthProvider(() => `custom-${$('username').value || 'guest'}`)],
  }),
  // Tokens survive a reload.
  new AmplifyAuthCognito({ storage: window.localStorage }),
]);
// serve.mjs serves the file `gatehouse dev` wrote into its data dir.
await Amplify.configure(await (await fetch('/amplifyconfiguration.json')).text());

async function run(label, task) {
  try {
    log(`${label}: ${JSON.stringify(await task())}`);
  } catch (error) {
    log(`${label}: ${isAmplifyException(error) ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

$('signin').onclick = () =>
  run('signIn', () => Amplify.Auth.signIn({ username: $('username').value, password: $('password').value }));
$('signout').onclick = () => run('signOut', () => Amplify.Auth.signOut().then(() => 'done'));
for (const mode of ['API_KEY', 'AMAZON_COGNITO_USER_POOLS', 'AWS_IAM', 'AWS_LAMBDA']) {
  const button = document.createElement('button');
  button.textContent = `posts as ${mode}`;
  button.onclick = () =>
    run(mode, () =>
      Amplify.API.query({ document: '{ posts { title body } }', authorizationMode: mode }).response.then(
        ({ data, errors }) => ({ data, errors: errors.map((error) => error.message) }),
      ),
    );
  $('queries').append(button);
}
log('ready');
