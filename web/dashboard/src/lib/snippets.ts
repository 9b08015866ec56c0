// The code an admin pastes on their site (Installation tab): the spec's loader snippet
// character for character with this server's URL in place of widget.linktor.io, the React,
// Vue and Angular forms of the spec with the channel id (plus `baseUrl`, which a self-hosted
// server needs), and the Content-Security-Policy lines with our origin.

/** The spec's "Basic Installation" snippet; only the URL of linktor.js and the channel id differ. */
export function loaderSnippet(origin: string, channelId: string): string {
  return `<!-- Linktor WebChat Widget -->
<script>
  (function(l,i,n,k,t,o,r){
    l['LinktorObject']=t;l[t]=l[t]||function(){
    (l[t].q=l[t].q||[]).push(arguments)};l[t].l=1*new Date();
    o=i.createElement(n);r=i.getElementsByTagName(n)[0];
    o.async=1;o.src=k;r.parentNode.insertBefore(o,r);
  })(window,document,'script','${origin}/v1/linktor.js','linktor');

  linktor('init', {
    channelId: '${channelId}'
  });
</script>`;
}

export function reactSnippet(origin: string, channelId: string): string {
  return `// Install the package
// npm install @linktor/react-webchat

import { LinktorChat } from '@linktor/react-webchat';

function App() {
  return (
    <div>
      <YourAppContent />

      <LinktorChat
        baseUrl="${origin}"
        channelId="${channelId}"
        primaryColor="#0066FF"
        position="bottom-right"
        user={{
          id: currentUser.id,
          name: currentUser.name,
          email: currentUser.email
        }}
        onMessage={(message) => console.log('New message:', message)}
      />
    </div>
  );
}`;
}

export function vueSnippet(origin: string, channelId: string): string {
  return `<!-- Install the package -->
<!-- npm install @linktor/vue-webchat -->

<template>
  <div>
    <YourAppContent />

    <LinktorChat
      base-url="${origin}"
      channel-id="${channelId}"
      primary-color="#0066FF"
      position="bottom-right"
      :user="currentUser"
      @message="handleMessage"
    />
  </div>
</template>

<script>
import { LinktorChat } from '@linktor/vue-webchat';

export default {
  components: { LinktorChat },
  data() {
    return {
      currentUser: {
        id: 'user_123',
        name: 'John Doe',
        email: 'john@example.com'
      }
    };
  },
  methods: {
    handleMessage(message) {
      console.log('New message:', message);
    }
  }
};
</script>`;
}

export function angularSnippet(origin: string, channelId: string): string {
  return `// Install the package
// npm install @linktor/angular-webchat

// app.module.ts
import { LinktorChatModule } from '@linktor/angular-webchat';

@NgModule({
  imports: [
    LinktorChatModule.forRoot({
      channelId: '${channelId}',
      baseUrl: '${origin}'
    })
  ]
})
export class AppModule {}

// app.component.html
<linktor-chat
  [primaryColor]="'#0066FF'"
  [position]="'bottom-right'"
  [user]="currentUser"
  (onMessage)="handleMessage($event)">
</linktor-chat>`;
}

/** The spec's CSP lines with this server in place of the cloud's three hosts. */
export function cspSnippet(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return `script-src 'self' ${origin};
connect-src 'self' ${origin} ${ws};
frame-src 'self' ${origin};`;
}
