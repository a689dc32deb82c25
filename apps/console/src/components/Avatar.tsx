import { hue, initials } from '../format';
import './Avatar.css';

export function Avatar({ id, name, size = 32 }: { id: string; name: string; size?: number }) {
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{
        width: `${size}px`,
        height: `${size}px`,
        background: `hsl(${hue(id)} 55% 92%)`,
        color: `hsl(${hue(id)} 45% 32%)`,
      }}
    >
      {initials(name)}
    </span>
  );
}
