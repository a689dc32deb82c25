import { render } from 'preact';
// The tokens and element defaults come first: every component's own styles refine them.
import './styles.css';
import { App } from './app';

render(<App />, document.getElementById('app')!);
