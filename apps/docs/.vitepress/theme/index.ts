/** The docs theme: VitePress's default theme plus the examples' Run button (`<RunExample id="..." />`). */
import type { Theme } from "vitepress";
import DefaultTheme from "vitepress/theme";
import RunExample from "./RunExample.vue";

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("RunExample", RunExample);
  },
};

export default theme;
