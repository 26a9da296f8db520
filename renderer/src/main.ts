import { mount } from 'svelte';
import App from './App.svelte';
import { isChartView } from './api/browser-api';
import ChartWindow from './lib/train/ChartWindow.svelte';
import './styles/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
// `?view=chart`: the pop-out loss chart window; otherwise the app.
if (isChartView()) mount(ChartWindow, { target });
else mount(App, { target });
