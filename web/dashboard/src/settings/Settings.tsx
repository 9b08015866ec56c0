// Settings, with a navigation of their own: Channels, Agents, API keys and Webhooks (admins),
// Labels (admins edit, agents see them) and Saved replies (every agent).

import { useApp } from '../app';
import { Link, match } from '../lib/router';
import { Agents } from './Agents';
import { ApiKeys } from './ApiKeys';
import { ChannelList, NewChannel } from './Channels';
import { ChannelPage } from './ChannelPage';
import { Labels } from './Labels';
import { SavedReplies } from './SavedReplies';
import { Webhooks } from './Webhooks';

const SECTIONS = [
  { href: '/app/settings/channels', label: 'Channels', admin: true },
  { href: '/app/settings/agents', label: 'Agents', admin: true },
  { href: '/app/settings/labels', label: 'Labels', admin: false },
  { href: '/app/settings/saved-replies', label: 'Saved replies', admin: false },
  { href: '/app/settings/api-keys', label: 'API keys', admin: true },
  { href: '/app/settings/webhooks', label: 'Webhooks', admin: true },
];

export function Settings({ path }: { path: string }) {
  const { isAdmin } = useApp();
  let page;
  let m: Record<string, string> | null;
  if (path === '/app/settings/channels') page = <ChannelList />;
  else if (path === '/app/settings/channels/new') page = <NewChannel />;
  else if ((m = match('/app/settings/channels/:id', path))) page = <ChannelPage id={m.id} tab="appearance" />;
  else if ((m = match('/app/settings/channels/:id/:tab', path))) page = <ChannelPage id={m.id} tab={m.tab} />;
  else if (path === '/app/settings/agents') page = <Agents />;
  else if (path === '/app/settings/api-keys') page = <ApiKeys />;
  else if (path === '/app/settings/labels') page = <Labels />;
  else if (path === '/app/settings/saved-replies') page = <SavedReplies />;
  else if (path === '/app/settings/webhooks') page = <Webhooks />;
  else if ((m = match('/app/settings/webhooks/:id', path))) page = <Webhooks openId={m.id} />;
  else page = <p>No such settings page.</p>;
  return (
    <div class="settings">
      <nav aria-label="Settings" class="side-nav">
        <p class="side-nav-title" aria-hidden="true">
          Settings
        </p>
        <ul>
          {SECTIONS.filter((s) => isAdmin || !s.admin).map((s) => (
            <li>
              <Link href={s.href} aria-current={path === s.href || path.startsWith(s.href + '/') ? 'page' : undefined}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="settings-page">{page}</div>
    </div>
  );
}
