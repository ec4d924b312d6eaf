import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import nhsukCss from "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css?url";
import appCss from "~/styles/app.css?url";
import { Footer, Header, NotificationBanner, SkipLink } from "~/components/nhs";
import { readFlash } from "~/lib/flash.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getCurrentUser } from "~/lib/session.server";
import { navigationFor, ROLE_LABELS } from "~/lib/permissions";
import { useNonce } from "~/lib/nonce";
import { getSettings } from "~/models/settings.server";
import { taskCountForHeader } from "~/models/tasks.server";
import { unreadCount } from "~/models/notifications.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: nhsukCss },
  { rel: "stylesheet", href: appCss },
  { rel: "icon", href: "/favicon.ico", sizes: "48x48" },
  { rel: "icon", href: "/assets/images/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  const settings = getSettings();
  const flash = await readFlash(request);
  const taskCount = user ? taskCountForHeader({ user }) : 0;
  const unreadNotifications = user ? unreadCount({ userId: user.id }) : 0;
  return data({
    flash: flash.message,
    requestId: context.requestId ?? null,
    partnershipName: settings.partnership_name,
    user: user
      ? {
          name: user.name,
          email: user.email,
          organisationName: user.organisationName,
          roles: user.roles,
          roleLabels: user.roles.map((r) => ROLE_LABELS[r]),
          unreadNotifications,
        }
      : null,
    navigation: user ? navigationFor(user.roles).map(({ href, text }) => ({ href, text: href === "/tasks" ? `${text} (${taskCount})` : text })) : [],
  }, flash.clear ? { headers: { "Set-Cookie": flash.clear } } : undefined);
}

export type RootData = Awaited<ReturnType<typeof loader>>;

function isCurrent(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  const { pathname } = useLocation();
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {/* As NHS.UK's page template does: the classes nhsuk-frontend's CSS keys on are on the body
            before the first paint, so the header's navigation is laid out as it will be once its
            "More" menu starts (without it, the menu's start shifted the whole page on phones). */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: BODY_CLASSES_SCRIPT }} />
        <SkipLink />
        <Header
          // A header of its own for each set of links (signing in or out), so nhsuk-frontend's
          // script, which moves links React drew, starts afresh on it (see App below).
          key={navigationKey(data)}
          serviceName="ShareBoard"
          serviceHref="/"
          homeHref="/"
          navigation={(data?.navigation ?? []).map((item) => ({ ...item, current: isCurrent(pathname, item.href) }))}
          account={
            data?.user
              ? {
                  name: data.user.name,
                  items: [{ text: data.user.organisationName }, { text: `Notifications (${data.user.unreadNotifications})`, href: "/notifications" }],
                  signOut: { action: "/logout", method: "post" },
                }
              : undefined
          }
        />
        <div className="nhsuk-width-container">
          <main className="nhsuk-main-wrapper" id="maincontent" role="main">
            {data?.flash ? (
              <NotificationBanner variant="success" title="Success">
                {data.flash}
              </NotificationBanner>
            ) : null}
            {children}
          </main>
        </div>
        <Footer
          links={[
            { href: "/transparency", text: "How we share records" },
            { href: "/healthz", text: "Service status" },
          ]}
          meta={data?.partnershipName ?? "ShareBoard"}
          copyright={false}
        />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

const BODY_CLASSES_SCRIPT = "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');";

let nhsFrontendStarted = false;

/** The header's links, as one string: it changes when someone signs in or out. */
function navigationKey(data: { navigation: { href: string }[] } | undefined) {
  return (data?.navigation ?? []).map((item) => item.href).join(" ");
}

export default function App() {
  const links = navigationKey(useRouteLoaderData<typeof loader>("root"));
  // nhsuk-frontend's behaviour (header "More" menu), once per page load and only after
  // hydration, because it moves nodes React rendered. Its scripts need this body class. When the
  // header's links change (signing in is a client-side navigation), the new header is started.
  useEffect(() => {
    if (nhsFrontendStarted) {
      import("~/lib/nhsuk-behaviour").then((nhsuk) => nhsuk.startNhsHeader()).catch(() => {});
      return;
    }
    nhsFrontendStarted = true;
    document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
    import("~/lib/nhsuk-behaviour").then((nhsuk) => nhsuk.startNhsFrontend()).catch(() => {});
  }, [links]);
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
