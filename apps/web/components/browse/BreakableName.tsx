import { Fragment } from 'react';

/**
 * A file name that may wrap after `_`, `-` and `.` ("ia_orientation_<wbr>portrait_<wbr>6.jpg")
 * rather than in the middle of a word. The text (and so the accessible name) is unchanged.
 */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[_.-])/);
  return (
    <>
      {parts.map((part, i) =>
        i === 0 ? (
          part
        ) : (
          <Fragment key={i}>
            <wbr />
            {part}
          </Fragment>
        ),
      )}
    </>
  );
}
