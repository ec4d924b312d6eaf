import { Link } from "@remix-run/react";
import { Tag } from "~/components/nhs";
import { RAG_LABELS, RAG_MEANINGS, RAG_TAG_COLOURS, type Headline, type Rag } from "~/models/rag";

/** A red/amber/green status as an NHS tag with the word, never colour alone. */
export function RagTag({ rag }: { rag: Rag }) {
  return (
    <Tag color={RAG_TAG_COLOURS[rag]} title={RAG_MEANINGS[rag]}>
      {RAG_LABELS[rag]}
      <span className="nhsuk-u-visually-hidden">: {RAG_MEANINGS[rag]}</span>
    </Tag>
  );
}

/**
 * The board's headline figures as cards: the figure, its status, its target and the change since
 * the end of the previous month. `linkQuery` (e.g. "?asAt=…") is added to each figure's page link.
 */
export function HeadlineFigures({ headlines, linkQuery = "", links = true }: { headlines: readonly Headline[]; linkQuery?: string; links?: boolean }) {
  return (
    <ul className="sb-headlines" data-testid="headline-figures">
      {headlines.map((h) => (
        <li key={h.key} className={`sb-headline sb-headline--${h.rag}`} data-testid={`headline-${h.key}`}>
          <h3 className="sb-headline__label">
            {links ? <Link to={`${h.href}${h.href.includes("?") ? linkQuery.replace("?", "&") : linkQuery}`}>{h.label}</Link> : h.label}
          </h3>
          <p className="sb-headline__value">{h.value}</p>
          <p className="sb-headline__status">
            <RagTag rag={h.rag} />
          </p>
          <p className="sb-headline__target">
            <span className="sb-headline__term">Target:</span> {h.target}
          </p>
          <p className="sb-headline__change">{h.change ?? "No earlier figure to compare"}</p>
        </li>
      ))}
    </ul>
  );
}
