// The Allure 3 report of a conformance run (`npm run report`): the awesome UI written as ONE html file, tests grouped by
// suite (the `epic` label) and capability id (the `capability` label), severity from the capability's tier.
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'dhp-conformance',
  plugins: {
    awesome: {
      options: { singleFile: true, groupBy: ['epic', 'capability'], reportLanguage: 'en', theme: 'light' },
    },
  },
});
