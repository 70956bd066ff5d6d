// Talks to the emulators with nothing but @azure/msal-node and @microsoft/microsoft-graph-client, the way any
// script of yours would. Run:  npm run emulators  (in one terminal), then
//   EMULATORS=.data/emulators.json NODE_EXTRA_CA_CERTS=.data/emulator-ca.pem node examples/plain-clients.mjs
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';

const s = JSON.parse(readFileSync(process.env.EMULATORS ?? '.data/emulators.json', 'utf8'));

// An authority msal does not know must be declared; msal then reads its OpenID metadata over https.
const app = new ConfidentialClientApplication({
  auth: {
    clientId: s.AZURE_CLIENT_ID,
    authority: `${s.AZURE_AUTHORITY_HOST}/${s.AZURE_TENANT_ID}`,
    knownAuthorities: [new URL(s.AZURE_AUTHORITY_HOST).host],
    clientSecret: s.AZURE_CLIENT_SECRET,
  },
});
const { accessToken } = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });

// graph-client sends the token only to Graph's hosts and to customHosts (hostnames, without the port).
const client = Client.init({
  authProvider: (done) => done(null, accessToken),
  baseUrl: s.GRAPH_BASE_URL,
  customHosts: new Set([new URL(s.GRAPH_BASE_URL).hostname]),
});

const listed = [];
for (let page = await client.api('/deviceManagement/managedDevices').get(); ; page = await client.api(page['@odata.nextLink']).get()) {
  listed.push(...page.value);
  if (!page['@odata.nextLink']) break;
}

// LIST leaves ethernetMacAddress null; a single GET whose $select names it has the real value.
let withMac = null;
for (const device of listed) {
  const one = await client.api(`/deviceManagement/managedDevices/${device.id}`).select('id,ethernetMacAddress').get();
  if (one.ethernetMacAddress) {
    withMac = one;
    break;
  }
}

const requests = (n) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/deviceManagement/managedDevices/${listed[i].id}?$select=id,ethernetMacAddress` }));
const batch21 = await client.api('/$batch').post({ requests: requests(21) }).then(() => 200, (e) => e.statusCode);
const batch20 = await client.api('/$batch').post({ requests: requests(20) });

console.log(
  JSON.stringify({
    token: accessToken.length > 0,
    managedDevices: listed.length,
    everyListedEthernetMacNull: listed.every((d) => d.ethernetMacAddress === null),
    oneDeviceWithMac: withMac,
    batch21Status: batch21,
    batch20Answers: batch20.responses.length,
  }),
);
