/** Small pieces several pages use. */

export function Figure({ label, value }: { label: string; value: number | string }) {
  return (
    <div class="figure">
      <span class="figure-value">{value}</span>
      <span class="figure-label">{label}</span>
    </div>
  );
}

/** "Previous day · date · next day". */
export function DayPager(props: { date: string; label: string; previous: string; next: string }) {
  return (
    <nav class="day-pager" aria-label="Day">
      <a href={props.previous} rel="prev">
        ← Previous day
      </a>
      <strong>
        <time datetime={props.date}>{props.label}</time>
      </strong>
      <a href={props.next} rel="next">
        Next day →
      </a>
    </nav>
  );
}

/** "Previous · Page 2 of 5 · Next" under a list shown `perPage` rows at a time; `href(n)` links page n. */
export function Pager(props: {
  label: string;
  page: number;
  count: number;
  perPage: number;
  href: (page: number) => string;
  /** The links' words, when the order is not first to last ('Newer', 'Older'). */
  words?: { previous: string; next: string };
}) {
  const { page, href } = props;
  const pages = Math.max(1, Math.ceil(props.count / props.perPage));
  const words = props.words ?? { previous: 'Previous', next: 'Next' };
  return (
    <nav aria-label={props.label} class="pager">
      {page > 1 ? <a href={href(page - 1)}>{words.previous}</a> : null}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? <a href={href(page + 1)}>{words.next}</a> : null}
    </nav>
  );
}
