// A component that loads its code on first render: forms and rating are not in the first open's bytes.
import { type ComponentType, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(false);
    loading ??= load().then((component) => {
      loaded = component;
    });
    useEffect(() => {
      let live = true;
      loading?.then(() => live && setReady(true));
      return () => {
        live = false;
      };
    }, []);
    return loaded ? h(loaded, props) : null;
  };
}
